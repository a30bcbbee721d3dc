/** The benchmarks' stall recorder: what a pause at the SES endpoint is set beside. */
import { describe, expect, it } from "vitest";
import { longestStall, recordStalls } from "./frame.js";

describe("recordStalls", () => {
  it("records a stretch in which the event loop ran nothing else, on the epoch clock", async () => {
    const r = recordStalls();
    try {
      const start = Date.now();
      while (Date.now() - start < 60) {
        // a long task: nothing else runs
      }
      while (r.stalls.length === 0) await new Promise((w) => setTimeout(w, 5));
      const stall = r.stalls[0]!;
      expect(stall.ms).toBeGreaterThanOrEqual(40);
      expect(stall.end).toBeGreaterThanOrEqual(start + 60);
    } finally {
      r.stop();
    }
  });
});

describe("longestStall", () => {
  it("takes the longest stall overlapping the span, and none outside it", () => {
    const stalls = [
      { end: 1000, ms: 300 }, // 700-1000
      { end: 2050, ms: 100 }, // 1950-2050: overlaps a span ending at 2000
      { end: 1500, ms: 20 },
    ];
    expect(longestStall(stalls, 1100, 2000)).toBe(100);
    expect(longestStall(stalls, 900, 2000)).toBe(300);
    expect(longestStall(stalls, 2100, 3000)).toBe(0);
  });
});
