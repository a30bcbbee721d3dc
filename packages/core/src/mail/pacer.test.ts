import { describe, expect, it } from "vitest";
import { PACE_HEADROOM, Pacer, type PacerOptions, type PacerSlot } from "./pacer.js";

/**
 * A pacer on a fake clock. `sleep` moves the clock to the end of the sleep (never back), so
 * callers waiting at the same time resume in the order of their wake-up times, as with timers;
 * `released` records the clock at each release.
 */
function fakePacer(opts: Omit<PacerOptions, "now" | "sleep">) {
  let t = 0;
  let timers: { at: number; wake: () => void }[] = [];
  const pacer = new Pacer({
    random: () => 0.5,
    ...opts,
    now: () => t,
    sleep: (ms) => new Promise<void>((wake) => timers.push({ at: t + Math.max(0, ms), wake })),
  });
  /** Runs the timers due by `until` (all of them by default), earliest first; each may set new ones. */
  async function settle(until = Number.POSITIVE_INFINITY) {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      timers.sort((a, b) => a.at - b.at);
      const first = timers[0];
      if (!first || first.at > until) return;
      timers = timers.slice(1);
      t = Math.max(t, first.at);
      first.wake();
    }
  }
  /**
   * `n` callers asking for a slot at once, each answered at once; resolves with the clock at
   * each release, in order.
   */
  async function slots(n: number): Promise<number[]> {
    const released: number[] = [];
    const all = Promise.all(
      Array.from({ length: n }, () =>
        pacer.slot().then((s) => {
          released.push(t);
          s.done();
        }),
      ),
    );
    await settle();
    await all;
    return released;
  }
  return {
    pacer,
    slots,
    settle,
    /** Runs `fn` when the clock reaches now + `ms` (as a timer would, during `settle`). */
    later(ms: number, fn: () => void) {
      timers.push({ at: t + ms, wake: fn });
    },
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
    /** A stall: the clock jumps while nothing runs, then every timer due fires. */
    async stall(ms: number) {
      t += ms;
      await settle();
    },
  };
}

/**
 * The most releases in any window [s, s + ms), for s at any release (a release a rounding error
 * short of s + ms, from summing a fractional spacing, is taken as at s + ms).
 */
function busiestWindow(times: number[], ms = 1000): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && times[j]! < times[i]! + ms - 1e-6) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

describe("Pacer", () => {
  it("paces a little under MaxSendRate, evenly spaced, also for callers asking at the same time", async () => {
    const f = fakePacer({ maxRate: 10, headroom: 0.8 });
    expect(f.pacer.rate).toBe(8);
    const released = await f.slots(5);
    expect(released).toEqual([0, 125, 250, 375, 500]); // the first slot is now, the rest 1/8 s apart
    expect(new Pacer({ maxRate: 200 }).rate).toBe(200 * PACE_HEADROOM);
  });

  it("saves no burst up over a pause", async () => {
    const f = fakePacer({ maxRate: 10, headroom: 1 });
    await f.slots(3);
    f.advance(10_000);
    const start = f.now();
    const after = await f.slots(3);
    expect(after).toEqual([start, start + 100, start + 200]);
  });

  it("keeps every one-second window under MaxSendRate, at the pace, over the whole run", async () => {
    const f = fakePacer({ maxRate: 200 });
    const released = await f.slots(1000);
    expect(busiestWindow(released)).toBe(Math.floor(200 * PACE_HEADROOM));
    // and uses it: the whole run at the pace
    expect(released.at(-1)! - released[0]!).toBeCloseTo((999 * 1000) / (200 * PACE_HEADROOM), 6);
  });

  it("after a stall lets the late slots catch up only as far as the window allows", async () => {
    const f = fakePacer({ maxRate: 20, headroom: 1 });
    const released: number[] = [];
    const all = Promise.all(
      Array.from({ length: 60 }, () =>
        f.pacer.slot().then((s) => {
          released.push(f.now());
          s.done();
        }),
      ),
    );
    await f.settle(450); // ten slots on time, 50 ms apart
    expect(released).toHaveLength(10);
    // Nothing runs for 600 ms (a stalled event loop): the slots due meanwhile fire together...
    f.advance(600);
    await f.settle();
    await all;
    expect(released.filter((t) => t === 1050)).toHaveLength(12);
    // ...but never more than 20 in a second: the next ones wait for the window
    expect(busiestWindow(released)).toBe(20);
    expect(released.every((t, i) => i < 20 || t - released[i - 20]! >= 1000 - 1e-5)).toBe(true);
  });

  it("counts a message from its slot until a second after its answer, and not at all once given back", async () => {
    const f = fakePacer({ maxRate: 2, headroom: 1 }); // 2 a second: slots 500 ms apart
    const a = await f.pacer.slot();
    let b: PacerSlot | undefined;
    void f.pacer.slot().then((s) => {
      b = s;
    });
    await f.settle(500);
    expect(b).toBeDefined();
    let c: number | undefined;
    void f.pacer.slot().then(() => {
      c = f.now();
    });
    // Both earlier messages are still without an answer at 1,200 ms: SES may yet receive them
    // in the second the third would land in, so it waits...
    await f.settle(1200);
    expect(c).toBeUndefined();
    f.advance(1200 - f.now());
    a.done();
    b!.done();
    // ...until a second after their answers, less the shortest round trip (b's, 700 ms): SES saw
    // each of them at least that long before the third can reach it
    await f.settle(1499);
    expect(c).toBeUndefined();
    await f.settle();
    expect(c).toBeCloseTo(1500, 0);

    const g = fakePacer({ maxRate: 2, headroom: 1 });
    const unused = await g.pacer.slot();
    void g.pacer.slot(); // in flight
    let d: number | undefined;
    void g.pacer.slot().then(() => {
      d = g.now();
    });
    await g.settle(3000);
    expect(d).toBeUndefined();
    unused.cancel(); // nothing was sent on it: the next look at the window lets the third go
    await g.settle();
    expect(d).toBeGreaterThanOrEqual(3000);
    expect(d).toBeLessThanOrEqual(3005);
  });

  it("credits an answered message with the shortest round trip seen", async () => {
    const f = fakePacer({ maxRate: 2, headroom: 1 }); // 2 a second: slots 500 ms apart
    const released: number[] = [];
    const send = (trip: number) =>
      f.pacer.slot().then((s) => {
        released.push(f.now());
        f.later(trip, () => s.done());
      });
    // a at 0, answered at 40; b at 500, answered at 600: the shortest trip is 40 ms
    const all = Promise.all([send(40), send(100), send(40), send(40)]);
    await f.settle();
    await all;
    // c: a leaves the window at 40 + 1000 - 40, when c is due anyway (1,040 without the credit);
    // d: b leaves at 600 + 1000 - 40 = 1,560 (1,600 without it; 1,500 with b's own trip)
    expect(released.map(Math.round)).toEqual([0, 500, 1000, 1560]);
  });

  it("keeps every window at SES under MaxSendRate through stalls and late answers, with the credit", async () => {
    // SES takes a message 30 ms after its slot and answers 5 ms later (the shortest trip, 35 ms);
    // every tenth answer reaches us up to 400 ms later still, and twice the sender stalls (its
    // timers fire late, together). Slots held and then let go together must not crowd a second.
    const f = fakePacer({ maxRate: 50, headroom: 1 });
    const accepted: number[] = [];
    let n = 0;
    const all = Promise.all(
      Array.from({ length: 400 }, () =>
        f.pacer.slot().then((s) => {
          accepted.push(f.now() + 30);
          const late = n % 10 === 9 ? (n * 37) % 400 : 0;
          n++;
          f.later(35 + late, () => s.done());
        }),
      ),
    );
    await f.settle(2000);
    await f.stall(300);
    await f.settle(4500);
    await f.stall(150);
    await f.settle();
    await all;
    accepted.sort((a, b) => a - b);
    expect(accepted).toHaveLength(400);
    expect(busiestWindow(accepted)).toBeLessThanOrEqual(50);
  });

  it("slows down on Throttling and recovers gradually, never above the pace", () => {
    const { pacer } = fakePacer({ maxRate: 14, headroom: 1 });
    pacer.onThrottle();
    expect(pacer.rate).toBeCloseTo(9.8);
    pacer.onThrottle();
    expect(pacer.rate).toBeLessThan(9.8);
    for (let i = 0; i < 200; i++) pacer.onSuccess();
    expect(pacer.rate).toBe(14);
    for (let i = 0; i < 100; i++) pacer.onThrottle();
    expect(pacer.rate).toBeGreaterThan(0); // floored
    const under = fakePacer({ maxRate: 14 }).pacer;
    for (let i = 0; i < 200; i++) under.onSuccess();
    expect(under.rate).toBeCloseTo(14 * PACE_HEADROOM);
  });

  it("spaces slots further after Throttling, and its window shrinks with the pace", async () => {
    const f = fakePacer({ maxRate: 10, headroom: 1 });
    f.pacer.onThrottle(); // 7/s
    const released = await f.slots(15);
    expect(released[1]! - released[0]!).toBeCloseTo(1000 / 7, 6);
    expect(busiestWindow(released)).toBe(7);
  });

  it("follows a new MaxSendRate", async () => {
    const f = fakePacer({ maxRate: 100, headroom: 1 });
    f.pacer.setMaxRate(2);
    expect(f.pacer.maxRate).toBe(2);
    expect(await f.slots(2)).toEqual([0, 500]);
    expect(() => f.pacer.setMaxRate(0)).toThrow();
    expect(() => new Pacer({ maxRate: 10, headroom: 1.5 })).toThrow(/headroom/);
  });

  it("keeps a pace under one message a second", async () => {
    const f = fakePacer({ maxRate: 0.5, headroom: 1 });
    expect(await f.slots(3)).toEqual([0, 2000, 4000]);
  });

  it("backs off exponentially with jitter, capped", () => {
    const { pacer } = fakePacer({ maxRate: 14 });
    const waits = [0, 1, 2, 3, 20].map((a) => pacer.backoffMs(a));
    expect(waits[1]).toBe(2 * waits[0]!);
    expect(waits[2]).toBe(2 * waits[1]!);
    expect(waits[4]).toBeLessThanOrEqual(10_000);
    const jittered = new Pacer({ maxRate: 14, random: () => 0 }).backoffMs(3);
    expect(jittered).toBeLessThan(waits[3]!);
  });
});
