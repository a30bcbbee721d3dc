import { readFileSync } from "node:fs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlHash } from "../../../url/canonical.js";
import { createSource, getSource } from "../../manage.js";
import { pollSource } from "../../poll.js";
import { serve, startTestServer, type TestServer } from "../../test-server.js";
import { cleanLink, dayOf } from "./mlcontests.js";

const file = readFileSync(new URL("./testdata/mlcontests-competitions.json", import.meta.url), "utf8");
const NOW = new Date("2026-10-01T00:00:00Z");
const json = (body: string) => serve(body, { "content-type": "application/json" });

let env: TestEnv;
let api: TestServer;
beforeAll(async () => {
  env = await startTestEnv();
  api = await startTestServer();
});
afterAll(async () => {
  await api.close();
  await env.close();
});

async function source(path: string, body: string, id: string) {
  const ctx = await env.ctx({ now: () => NOW });
  api.route(path, json(body));
  await createSource(ctx, { kind: "competitions", platform: "mlcontests", id, url: `${api.origin}${path}` });
  return ctx;
}

describe("mlcontests helpers", () => {
  it("reads the list's dates leniently, in UTC", () => {
    expect(dayOf("19 Nov 2026", "23:59:59")).toBe("2026-11-19T23:59:59.000Z");
    expect(dayOf("11 May 2026 Apr 2026", "00:00:00")).toBe("2026-05-11T00:00:00.000Z");
    expect(dayOf("soon", "00:00:00")).toBeNull();
  });

  it("drops the list's referral tags from links", () => {
    expect(cleanLink("https://x.org/c/1?ref=mlcontests&id=2&utm_source=mlcontests")).toBe(
      "https://x.org/c/1?id=2",
    );
    expect(cleanLink("javascript:alert(1)")).toBeUndefined();
  });
});

describe("mlcontests source", () => {
  it("reads the competitions whose deadline is ahead, each under its own platform", async () => {
    const ctx = await source("/ml1/competitions.json", file, "mlcontests");
    expect(await pollSource(ctx, "mlcontests")).toEqual({
      sourceId: "mlcontests",
      status: "ok",
      newItems: 3,
    });
    expect(
      await ctx.store.items.get(urlHash("https://www.drivendata.org/competitions/999/example-wildfire/")),
    ).toMatchObject({
      kind: "competition",
      title: "Example wildfire detection",
      platform: "DrivenData",
      siteName: "DrivenData",
      organiser: "Example Foundation",
      startsAt: "2026-09-02T00:00:00.000Z",
      deadline: "2026-11-19T23:59:59.000Z",
      reward: "$100,000",
      rewardAmount: 100000,
      rewardCurrency: "USD",
      tags: ["vision", "measurable"],
      open: true,
    });
    expect(await ctx.store.items.get(urlHash("https://example-llm-challenge.github.io/"))).toMatchObject({
      platform: "Independent",
      reward: "Travel grants to the workshop",
      rewardAmount: null,
      tags: ["nlp", "llm", "NeurIPS 2026"],
    });
    // The same page as the Kaggle source's item once the referral tag is gone.
    expect(
      await ctx.store.items.get(urlHash("https://www.kaggle.com/competitions/example-tabular-2026")),
    ).toMatchObject({ platform: "Kaggle", deadline: "2026-12-11T23:59:59.000Z", tags: ["tabular"] });
    expect(
      await ctx.store.items.get(urlHash("https://www.aicrowd.com/challenges/example-closed")),
    ).toBeUndefined();
    expect((await getSource(ctx, "mlcontests")).lastSkipped).toBe(1);
  });

  it("fails loudly when the file changes shape", async () => {
    const ctx = await source("/ml2/competitions.json", '{"competitions":[]}', "ml2");
    expect(await pollSource(ctx, "ml2")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/^mlcontests: .* no longer has the expected shape \(no "data" list\)/),
    });
  });
});
