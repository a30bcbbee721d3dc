import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnv, type TestEnv } from "../testing/index.js";

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
