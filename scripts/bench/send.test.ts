/** The send benchmark's window count: messages per one-second window, on given times. */
import { describe, expect, it } from "vitest";
import { longestGap, windowCounts } from "./send.js";

describe("windowCounts", () => {
  it("counts the messages of every window [s, s + 1 s) inside the span, s stepping by 1 ms", () => {
    const even = Array.from({ length: 30 }, (_, i) => i * 100); // 10 a second, 0..2900 ms
    expect(windowCounts(even, 0, 2900)).toEqual({ windows: 1901, max: 10, min: 10 });
    // a burst of five more at 1500 ms: every window holding it has 15
    const burst = [...even, 1500, 1500, 1500, 1500, 1500].sort((a, b) => a - b);
    expect(windowCounts(burst, 0, 2900)).toMatchObject({ max: 15, min: 10 });
  });

  it("counts no window reaching past the span, and none in a span under a window", () => {
    const times = [0, 10, 20, 1500, 2000];
    // windows start from 500 to 1000: [500, 1500) holds nothing, [1000, 2000) only 1500
    expect(windowCounts(times, 500, 2000)).toEqual({ windows: 501, max: 1, min: 0 });
    expect(windowCounts(times, 0, 999)).toBeNull();
  });
});

describe("longestGap", () => {
  it("finds the longest stretch between two consecutive times", () => {
    expect(longestGap([0, 5, 10, 240, 245, 250])).toBe(230);
    expect(longestGap([7])).toBe(0);
    expect(longestGap([])).toBe(0);
  });
});
