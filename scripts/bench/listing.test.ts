/** The listing benchmark's pure helpers: percentiles, the interleaving order, the seed items. */
import { describe, expect, it } from "vitest";
import { percentile, roundOrder, seedItem } from "./listing.js";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it("is the smallest sample with at least p% of the samples at or below it", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([7], 95)).toBe(7);
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
  });

  it("leaves its input as it was", () => {
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });

  it("refuses no samples and a p outside (0, 100]", () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1], 0)).toThrow();
    expect(() => percentile([1], 101)).toThrow();
  });
});

describe("roundOrder", () => {
  it("runs every case once per round, rotating which case goes first", () => {
    for (let r = 0; r < 8; r++) {
      const order = roundOrder(r, 4);
      expect(order.map((o) => o.caseIndex).sort()).toEqual([0, 1, 2, 3]);
      expect(order[0]!.caseIndex).toBe(r % 4);
    }
  });

  it("alternates the size that goes first for each case from one round to the next", () => {
    for (let c = 0; c < 4; c++) {
      const firsts = Array.from(
        { length: 8 },
        (_, r) => roundOrder(r, 4).find((o) => o.caseIndex === c)!.largeFirst,
      );
      expect(firsts.filter(Boolean)).toHaveLength(4);
      expect(firsts).toEqual(firsts.map((_, r) => firsts[0] !== (r % 2 === 1)));
    }
  });
});

describe("seedItem", () => {
  it("is the same item whatever the table, with a score that varies", () => {
    expect(seedItem(7)).toEqual(seedItem(7));
    const scores = Array.from({ length: 100 }, (_, i) => seedItem(i).score);
    expect(scores.every((s) => typeof s === "number" && Number.isFinite(s))).toBe(true);
    expect(new Set(scores).size).toBeGreaterThan(50);
    expect(seedItem(3).scoreParts).toBeDefined();
  });
});
