/** The competition shape and deadline reminders as the API shows them, and competitions sources. */
import { storeItems, testItem } from "@wkn/core/items/testing";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  await env.close();
});

describe("competitions in the API", () => {
  it("returns a competition's shared facts and its reminder", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    const facts = {
      kind: "competition" as const,
      platform: "Zindi",
      organiser: "Example Agency",
      startsAt: "2026-09-08T15:00:00.000Z",
      deadline: "2026-10-16T21:59:00.000Z",
      reward: "1000 CHF",
      rewardAmount: 1000,
      rewardCurrency: "CHF",
      tags: ["competition", "prize"],
      open: true,
      reminder: { deadline: "2026-10-16T21:59:00.000Z", deadlineInDays: 3, at: "2026-10-13T22:00:00.000Z" },
    };
    const [item] = await storeItems(ctx, [testItem("https://zindi.world/competitions/example", facts)]);
    const res = await t.get(`/api/items/${item!.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject(facts);
  });

  it("creates a competitions source for a known platform, and names the field otherwise", async () => {
    const t = testClient(await env.ctx());
    const created = await t.post("/api/sources", { kind: "competitions", platform: "codabench" });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      kind: "competitions",
      platform: "codabench",
      name: "Codabench competitions",
    });
    const bad = await t.post("/api/sources", { kind: "competitions", platform: "signate" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("platform");
  });
});
