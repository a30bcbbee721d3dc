import { describe, expect, it } from "vitest";
import { MAX_DELAY_MS, nextPollAt, nextPollDelayMs } from "./schedule.js";

const now = new Date("2026-01-01T00:00:00.000Z");
const min = 60_000;

describe("nextPollDelayMs", () => {
  it("waits the interval after a success", () => {
    expect(nextPollDelayMs({ now, intervalMinutes: 60, failures: 0 })).toBe(60 * min);
    expect(nextPollAt({ now, intervalMinutes: 30, failures: 0 })).toBe("2026-01-01T00:30:00.000Z");
  });

  it("doubles the wait with each consecutive failure, capped at a day", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((failures) =>
      nextPollDelayMs({ now, intervalMinutes: 60, failures }),
    );
    expect(delays).toEqual([60 * min, 120 * min, 240 * min, 480 * min, 960 * min, MAX_DELAY_MS]);
    expect(nextPollDelayMs({ now, intervalMinutes: 60, failures: 5000 })).toBe(MAX_DELAY_MS);
  });

  it("never shortens an interval longer than the cap", () => {
    expect(nextPollDelayMs({ now, intervalMinutes: 3 * 24 * 60, failures: 4 })).toBe(3 * 24 * 60 * min);
  });

  it("stretches the wait for Cache-Control max-age and Retry-After, never shortens it", () => {
    expect(nextPollDelayMs({ now, intervalMinutes: 60, failures: 0, maxAgeSeconds: 3 * 3600 })).toBe(
      180 * min,
    );
    expect(nextPollDelayMs({ now, intervalMinutes: 60, failures: 0, maxAgeSeconds: 60 })).toBe(60 * min);
    expect(nextPollDelayMs({ now, intervalMinutes: 60, failures: 0, maxAgeSeconds: 0 })).toBe(60 * min);
    expect(nextPollDelayMs({ now, intervalMinutes: 60, failures: 0, maxAgeSeconds: 10 ** 9 })).toBe(
      MAX_DELAY_MS,
    );
    expect(nextPollDelayMs({ now, intervalMinutes: 60, failures: 1, retryAfterMs: 5 * 3600_000 })).toBe(
      300 * min,
    );
    expect(nextPollDelayMs({ now, intervalMinutes: 60, failures: 3, retryAfterMs: 1000 })).toBe(240 * min);
  });
});
