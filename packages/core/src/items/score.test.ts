/** The score's rules as properties: what an editor relies on when sorting by score. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Item } from "../model/index.js";
import { RUNS } from "../testing/property.js";
import { bestWeights, deadlinePart, learnedWeight, scoreOf } from "./score.js";

const NOW = new Date("2026-05-01T00:00:00.000Z");
const date = fc
  .integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2027, 0, 1) })
  .map((t) => new Date(t).toISOString());
const weights = fc.record({
  learned: fc.double({ min: -2, max: 2, noNaN: true }),
  editor: fc.integer({ min: -3, max: 3 }),
});
const item = fc.record({
  publishedAt: fc.option(date, { nil: null }),
  discoveredAt: date,
  sourceIds: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
  kind: fc.constantFrom<Item["kind"]>("article", "release", "competition", "link"),
  deadline: fc.option(date, { nil: null }),
});

describe("score", () => {
  it("is the sum of its parts", () => {
    fc.assert(
      fc.property(item, weights, (i, w) => {
        const { score, scoreParts: p } = scoreOf(i, w, NOW);
        expect(score).toBeCloseTo(p.recency + p.mentions + p.source + p.editor + p.deadline, 2);
      }),
      RUNS,
    );
  });

  it("more mentions never lower a score", () => {
    fc.assert(
      fc.property(item, weights, fc.string({ minLength: 5, maxLength: 8 }), (i, w, extra) => {
        fc.pre(!i.sourceIds.includes(extra));
        const before = scoreOf(i, w, NOW).score;
        const after = scoreOf({ ...i, sourceIds: [...i.sourceIds, extra] }, w, NOW).score;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      RUNS,
    );
  });

  it("a newer item outranks an older one with the same sources and weights", () => {
    fc.assert(
      fc.property(item, weights, fc.integer({ min: 1, max: 365 }), (i, w, days) => {
        const older = { ...i, kind: "article" as const, publishedAt: "2024-01-01T00:00:00.000Z" };
        const newer = { ...older, publishedAt: new Date(Date.UTC(2024, 0, 1 + days)).toISOString() };
        expect(scoreOf(newer, w, NOW).score).toBeGreaterThan(scoreOf(older, w, NOW).score);
      }),
      RUNS,
    );
  });

  it("a competition gains as its deadline nears, and loses once it has passed", () => {
    const c = (days: number) => ({
      kind: "competition" as const,
      deadline: new Date(NOW.getTime() + days * 86_400_000).toISOString(),
    });
    expect(deadlinePart(c(30), NOW)).toBe(0);
    expect(deadlinePart(c(7), NOW)).toBe(1);
    expect(deadlinePart(c(1), NOW)).toBeGreaterThan(deadlinePart(c(7), NOW));
    expect(deadlinePart(c(-1), NOW)).toBe(-2);
    expect(deadlinePart({ kind: "article", deadline: c(1).deadline }, NOW)).toBe(0);
  });
});

describe("a source's learned weight", () => {
  it("is neutral (0) for a new source, whatever the baseline", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1, noNaN: true }), (baseline) => {
        expect(learnedWeight({ used: 0, total: 0 }, baseline)).toBe(0);
      }),
      RUNS,
    );
  });

  it("rises with how often the editor picked its items, and stays within ±2", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        (total, usedRaw, baseline) => {
          const used = usedRaw % (total + 1);
          const w = learnedWeight({ used, total }, baseline);
          expect(Math.abs(w)).toBeLessThanOrEqual(2);
          if (used < total)
            expect(learnedWeight({ used: used + 1, total }, baseline)).toBeGreaterThanOrEqual(w);
        },
      ),
      RUNS,
    );
  });

  it("a source picked more often than the others is above neutral, one picked never is below", () => {
    expect(learnedWeight({ used: 30, total: 100 }, 0.05)).toBeGreaterThan(0);
    expect(learnedWeight({ used: 0, total: 100 }, 0.05)).toBeLessThan(0);
    // A few items say little: smoothing keeps them near neutral.
    expect(Math.abs(learnedWeight({ used: 1, total: 2 }, 0.05))).toBeLessThan(
      Math.abs(learnedWeight({ used: 50, total: 100 }, 0.05)),
    );
  });

  it("an item takes the best weights among its sources; an unknown source is neutral", () => {
    const w = new Map([
      ["a", { learned: -1, editor: 2 }],
      ["b", { learned: 1, editor: -3 }],
    ]);
    expect(bestWeights(["a", "b"], (id) => w.get(id))).toEqual({ learned: 1, editor: 2 });
    expect(bestWeights(["a", "new"], (id) => w.get(id))).toEqual({ learned: 0, editor: 2 });
  });
});
