import { startTestEnv, type TestEnv } from "@wkn/testing";
import { loseAnswers } from "@wkn/testing/faults/lost-answer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscriber } from "../model/index.js";
import { subscriberIdOf } from "../subscribers/address.js";
import { newSubscriber } from "../subscribers/manage.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const sub = (n: number, status: Subscriber["status"] = "active"): Subscriber =>
  newSubscriber(`u${n}@example.com`, status, "import", new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString());

describe("subscribers store", () => {
  it("makes a subscriber and changes its status once when the write's answer is lost", async () => {
    const ctx = await env.ctx();
    const net = loseAnswers(ctx);
    const u1 = sub(1, "pending");

    // The table stored it; the SDK's second try met the record this very call had stored.
    net.loseNext("PutItemCommand");
    expect(await ctx.store.subscribers.createIfAbsent(u1)).toBe(true);
    expect(await ctx.store.subscribers.createIfAbsent({ ...u1, source: "editor" })).toBe(false);

    net.loseNext("UpdateItemCommand");
    const confirmed = await ctx.store.subscribers.transition(u1.id, ["pending"], {
      status: "active",
      confirmedAt: "2026-02-01T00:00:00.000Z",
      updatedAt: "2026-02-01T00:00:00.000Z",
    });
    expect(net.lost()).toBe(2);
    expect(confirmed?.status).toBe("active");
    // Another caller's change from pending is still refused, and nobody reads the token.
    expect(await ctx.store.subscribers.transition(u1.id, ["pending"], { status: "active" })).toBeUndefined();
    expect(await ctx.store.subscribers.get(u1.id)).toEqual({
      ...u1,
      status: "active",
      confirmedAt: "2026-02-01T00:00:00.000Z",
      updatedAt: "2026-02-01T00:00:00.000Z",
    });
    expect(confirmed).toEqual(await ctx.store.subscribers.get(u1.id));
  });

  it("keeps the status index in step with each status change, and lets only one racing change win", async () => {
    const { store } = await env.ctx();
    await store.subscribers.putMany([sub(1), sub(2), sub(3, "pending")]);
    const id = subscriberIdOf("u1@example.com");

    const results = await Promise.all(
      ["unsubscribed", "suppressed"].map((status) =>
        store.subscribers.transition(id, ["active"], {
          status: status as Subscriber["status"],
          updatedAt: "2026-02-01T00:00:00.000Z",
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const now = (await store.subscribers.get(id))!.status;
    const emailsIn = async (status: Subscriber["status"]) =>
      (await store.subscribers.list({ status, limit: 50 })).subscribers.map((s) => s.email);
    expect(await emailsIn(now)).toEqual(["u1@example.com"]);
    expect(await emailsIn("active")).toEqual(["u2@example.com"]);
    expect(await emailsIn("pending")).toEqual(["u3@example.com"]);
    // a change from a status it is not in writes nothing
    expect(await store.subscribers.transition(id, ["pending"], { status: "active" })).toBeUndefined();
    expect(
      await store.subscribers.transition("nobody", ["active"], { status: "unsubscribed" }),
    ).toBeUndefined();
  });

  it("reads every subscriber of a status page by page, and many by id in batches", async () => {
    const { store } = await env.ctx();
    const all = Array.from({ length: 130 }, (_, i) => sub(i));
    await store.subscribers.putMany(all);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of store.subscribers.pages("active", 50)) {
      pages++;
      seen.push(...page.map((s) => s.email));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(all.map((s) => s.email)); // oldest first
    const found = await store.subscribers.getMany([...all.map((s) => s.id), "unknown"]);
    expect(found.size).toBe(130);
    expect(found.get(all[42]!.id)?.email).toBe("u42@example.com");
  });
});
