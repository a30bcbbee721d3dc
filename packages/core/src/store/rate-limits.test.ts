import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

describe("rate limits", () => {
  const rule = { limit: 3, windowSeconds: 60 };
  const t0 = Date.parse("2026-03-01T12:00:00Z");

  it("allows `limit` hits per window, then refuses with the time left, then opens a new window", async () => {
    const { store } = await env.ctx();
    for (let i = 0; i < 3; i++)
      expect(await store.rateLimits.hit("a", rule, t0 + i * 1000)).toEqual({ allowed: true });
    expect(await store.rateLimits.hit("a", rule, t0 + 10_000)).toEqual({
      allowed: false,
      retryAfterSeconds: 50,
    });
    // another bucket is not affected
    expect(await store.rateLimits.hit("b", rule, t0 + 10_000)).toEqual({ allowed: true });
    // the expired window is replaced on the next hit (checked on write: dynalite has no TTL)
    expect(await store.rateLimits.hit("a", rule, t0 + 60_000)).toEqual({ allowed: true });
    expect(await store.rateLimits.hit("a", rule, t0 + 61_000)).toEqual({ allowed: true });
  });

  it("never lets racing requests past the limit", async () => {
    const { store } = await env.ctx();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.rateLimits.hit("race", rule, t0)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });
});

describe("attempts", () => {
  const rule = { limit: 2, windowSeconds: 60 };
  const t0 = Date.parse("2026-03-01T12:00:00Z");
  const LEASE = 10_000;

  it("counts and holds an attempt; keep leaves it counted, refund gives it back", async () => {
    const { store } = await env.ctx();
    const r = store.rateLimits;
    expect(await r.claimAttempt("k", rule, t0, "a", LEASE)).toEqual({ claimed: true, resumed: false });
    expect(await r.endAttempt("k", "a", "keep")).toBe(true);
    expect(await r.endAttempt("k", "a", "keep")).toBe(false); // not held any more
    expect(await r.claimAttempt("k", rule, t0 + 1000, "b", LEASE)).toEqual({ claimed: true, resumed: false });
    expect(await r.endAttempt("k", "b", "refund")).toBe(true);
    expect(await r.claimAttempt("k", rule, t0 + 2000, "c", LEASE)).toEqual({ claimed: true, resumed: false });
    expect(await r.endAttempt("k", "c", "keep")).toBe(true);
    expect(await r.claimAttempt("k", rule, t0 + 3000, "d", LEASE)).toEqual({
      claimed: false,
      reason: "limited",
      retryAfterSeconds: 57,
    });
    // a new window
    expect(await r.claimAttempt("k", rule, t0 + 60_000, "e", LEASE)).toEqual({
      claimed: true,
      resumed: false,
    });
  });

  it("lets a released attempt be resumed once without counting it again", async () => {
    const { store } = await env.ctx();
    const r = store.rateLimits;
    await r.claimAttempt("k", rule, t0, "a", LEASE);
    expect(await r.endAttempt("k", "a", "release")).toBe(true);
    const racing = await Promise.all(
      ["b", "c", "d"].map((h) => r.claimAttempt("k", rule, t0 + 1000, h, LEASE)),
    );
    expect(racing.filter((c) => c.claimed)).toEqual([{ claimed: true, resumed: true }]);
    expect(racing.filter((c) => !c.claimed)).toEqual([
      { claimed: false, reason: "held" },
      { claimed: false, reason: "held" },
    ]);
    const holder = ["b", "c", "d"][racing.findIndex((c) => c.claimed)]!;
    expect(await r.endAttempt("k", holder, "keep")).toBe(true);
    // one attempt counted so far: one more fits the window
    expect((await r.claimAttempt("k", rule, t0 + 2000, "e", LEASE)).claimed).toBe(true);
  });

  it("closes an attempt whose holder let the lease lapse, keeping it counted", async () => {
    const { store } = await env.ctx();
    const r = store.rateLimits;
    await r.claimAttempt("k", rule, t0, "dead", LEASE);
    expect(await r.claimAttempt("k", rule, t0 + LEASE - 1, "b", LEASE)).toEqual({
      claimed: false,
      reason: "held",
    });
    expect(await r.claimAttempt("k", rule, t0 + LEASE, "b", LEASE)).toEqual({
      claimed: false,
      reason: "abandoned",
    });
    expect(await r.endAttempt("k", "dead", "keep")).toBe(false);
    expect(await r.claimAttempt("k", rule, t0 + LEASE, "c", LEASE)).toEqual({
      claimed: true,
      resumed: false,
    });
    await r.endAttempt("k", "c", "keep");
    expect((await r.claimAttempt("k", rule, t0 + LEASE, "d", LEASE)).claimed).toBe(false);
  });

  it("never lets racing claims past the limit or hold one attempt twice", async () => {
    const { store } = await env.ctx();
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.rateLimits.claimAttempt("race", rule, t0, `h${i}`, LEASE)),
    );
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    expect(claims.filter((c) => !c.claimed && c.reason === "held")).toHaveLength(7);
  });
});
