/**
 * When a source is polled next. A success waits the source's interval, stretched (never shortened)
 * by what the server asked for (`Cache-Control: max-age`, `Expires`); a failure backs off
 * exponentially (interval × 2^(failures-1)), stretched by `Retry-After`. Stretches and the backoff
 * are capped at a day so that a source is never silently dropped; an interval longer than that
 * still wins.
 */

export const MAX_DELAY_MS = 24 * 60 * 60 * 1000;

const MINUTE_MS = 60_000;

export interface NextPollInput {
  now: Date;
  intervalMinutes: number;
  /** Consecutive failures including this poll's (0 after a success). */
  failures: number;
  /** From the response's Cache-Control max-age / Expires. */
  maxAgeSeconds?: number;
  /** From a 429/503 Retry-After. */
  retryAfterMs?: number;
}

/** The delay before the next poll, in milliseconds. */
export function nextPollDelayMs(input: NextPollInput): number {
  const interval = Math.max(1, input.intervalMinutes) * MINUTE_MS;
  let delay = interval;
  if (input.failures > 0) {
    // 2^(f-1) overflows to Infinity for huge counts: the cap takes care of it.
    delay = Math.max(delay, Math.min(interval * 2 ** (input.failures - 1), MAX_DELAY_MS));
  }
  if (input.maxAgeSeconds !== undefined && input.maxAgeSeconds > 0) {
    delay = Math.max(delay, Math.min(input.maxAgeSeconds * 1000, MAX_DELAY_MS));
  }
  if (input.retryAfterMs !== undefined && input.retryAfterMs > 0) {
    delay = Math.max(delay, Math.min(input.retryAfterMs, MAX_DELAY_MS));
  }
  return delay;
}

/** The ISO time of the next poll. */
export function nextPollAt(input: NextPollInput): string {
  return new Date(input.now.getTime() + nextPollDelayMs(input)).toISOString();
}
