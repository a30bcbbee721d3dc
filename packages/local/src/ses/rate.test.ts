import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate.js";

describe("createRateLimiter", () => {
  it("allows one second's worth at once, then refills at the rate", () => {
    let clock = 0;
    const limiter = createRateLimiter(2, () => clock);
    expect([limiter.tryTake(1), limiter.tryTake(1), limiter.tryTake(1)]).toEqual([true, true, false]);
    clock = 499;
    expect(limiter.tryTake(1)).toBe(false);
    clock = 500;
    expect([limiter.tryTake(1), limiter.tryTake(1)]).toEqual([true, false]);
    clock = 60_000; // a long pause refills to one second's worth, not more
    expect([limiter.tryTake(1), limiter.tryTake(1), limiter.tryTake(1)]).toEqual([true, true, false]);
  });

  it("needs as many tokens as recipients, up to the bucket, and charges them all", () => {
    let clock = 0;
    const limiter = createRateLimiter(4, () => clock);
    expect(limiter.tryTake(3)).toBe(true);
    expect(limiter.tryTake(2)).toBe(false); // a refused message takes nothing
    expect(limiter.tryTake(1)).toBe(true);
    clock = 1000;
    expect(limiter.tryTake(10)).toBe(true); // more than the rate: allowed from a full bucket
    clock = 2000;
    expect(limiter.tryTake(1)).toBe(false); // the debt of 6 is paid back first
    clock = 2750;
    expect(limiter.tryTake(1)).toBe(true);
  });

  it("keeps a rate below one message per second", () => {
    let clock = 0;
    const limiter = createRateLimiter(0.5, () => clock);
    expect([limiter.tryTake(1), limiter.tryTake(1)]).toEqual([true, false]);
    clock = 1999;
    expect(limiter.tryTake(1)).toBe(false);
    clock = 2000;
    expect(limiter.tryTake(1)).toBe(true);
  });
});
