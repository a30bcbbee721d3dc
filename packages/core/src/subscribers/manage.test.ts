import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError } from "../errors.js";
import { runConfirmJob } from "../mail/confirm-job.js";
import { subscriberIdOf } from "./address.js";
import { importSubscribers } from "./csv.js";
import { addSubscriber, removeSubscriber, suppressAddress } from "./manage.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

describe("suppressAddress", () => {
  it("suppresses a subscriber for good, and an unknown address before it ever subscribes", async () => {
    const ctx = await env.ctx();
    await addSubscriber(ctx, "ann@example.com");
    expect(await suppressAddress(ctx, "Ann@Example.com", "Permanent bounce")).toBe(true);
    expect(await suppressAddress(ctx, "ann@example.com", "Complaint")).toBe(false);
    const ann = await ctx.store.subscribers.get(subscriberIdOf("ann@example.com"));
    expect(ann).toMatchObject({ status: "suppressed", suppressedReason: "Permanent bounce" });
    expect(ann?.suppressedAt).toEqual(expect.any(String));

    expect(await suppressAddress(ctx, "stranger@example.com", "Complaint")).toBe(true);
    expect(await ctx.store.subscribers.get(subscriberIdOf("stranger@example.com"))).toMatchObject({
      status: "suppressed",
      source: "feedback",
    });
    expect(await suppressAddress(ctx, "not an address", "Complaint")).toBe(false);

    // nothing brings them back: not the editor, not an import, not the subscribe form
    for (const email of ["ann@example.com", "stranger@example.com"]) {
      await expect(addSubscriber(ctx, email)).rejects.toBeInstanceOf(ConflictError);
      expect((await runConfirmJob(ctx, { email })).outcome).toBe("suppressed");
    }
    expect(await importSubscribers(ctx, "ann@example.com\nstranger@example.com\n")).toMatchObject({
      imported: 0,
      skippedBy: { suppressed: 2 },
    });
    await expect(removeSubscriber(ctx, subscriberIdOf("stranger@example.com"))).rejects.toMatchObject({
      kind: "conflict",
    });
    const page = await ctx.store.subscribers.list({ status: "suppressed", limit: 10 });
    expect(page.subscribers.map((s) => s.email).sort()).toEqual(["ann@example.com", "stranger@example.com"]);
    expect((await ctx.store.subscribers.list({ status: "active", limit: 10 })).subscribers).toEqual([]);
  });
});
