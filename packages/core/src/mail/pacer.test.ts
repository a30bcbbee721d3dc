import { describe, expect, it } from "vitest";
import { Pacer } from "./pacer.js";

/** A pacer on a fake clock: sleeping moves the clock, so slots can be read off exactly. */
function fakePacer(maxRate: number) {
  let t = 0;
  const pacer = new Pacer({
    maxRate,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    random: () => 0.5,
  });
  return { pacer, now: () => t };
}

describe("Pacer", () => {
  it("hands out evenly spaced slots at the rate, also to callers asking at the same time", async () => {
    const starts: number[] = [];
    let t = 0;
    const p = new Pacer({ maxRate: 10, now: () => t, sleep: async (ms) => void starts.push(t + ms) });
    await Promise.all(Array.from({ length: 5 }, () => p.slot()));
    expect(starts).toEqual([100, 200, 300, 400]); // the first slot is now, the rest 100 ms apart
    t = 10_000; // after a pause the next slot is at once: no burst is saved up
    starts.length = 0;
    await p.slot();
    expect(starts).toEqual([]);
  });

  it("slows down on Throttling and recovers gradually, never above the maximum", () => {
    const { pacer } = fakePacer(14);
    pacer.onThrottle();
    expect(pacer.rate).toBeCloseTo(9.8);
    pacer.onThrottle();
    expect(pacer.rate).toBeLessThan(9.8);
    for (let i = 0; i < 200; i++) pacer.onSuccess();
    expect(pacer.rate).toBe(14);
    for (let i = 0; i < 100; i++) pacer.onThrottle();
    expect(pacer.rate).toBeGreaterThan(0); // floored
  });

  it("follows a new MaxSendRate", async () => {
    const { pacer, now } = fakePacer(100);
    pacer.setMaxRate(2);
    await pacer.slot();
    await pacer.slot();
    expect(now()).toBe(500);
    expect(() => pacer.setMaxRate(0)).toThrow();
  });

  it("backs off exponentially with jitter, capped", () => {
    const { pacer } = fakePacer(14);
    const waits = [0, 1, 2, 3, 20].map((a) => pacer.backoffMs(a));
    expect(waits[1]).toBe(2 * waits[0]!);
    expect(waits[2]).toBe(2 * waits[1]!);
    expect(waits[4]).toBeLessThanOrEqual(10_000);
    const jittered = new Pacer({ maxRate: 14, random: () => 0 }).backoffMs(3);
    expect(jittered).toBeLessThan(waits[3]!);
  });
});
