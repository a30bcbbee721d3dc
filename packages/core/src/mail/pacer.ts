/**
 * Paces sends at the account's SES rate (MaxSendRate, messages per second) and slows down when SES
 * answers Throttling: additive increase, multiplicative decrease, so a send settles just under the
 * rate SES really grants instead of hammering it. Slots are handed out evenly spaced (1/rate
 * apart), so concurrent senders together never go above the rate.
 */
export interface PacerOptions {
  /** Messages per second allowed (SES MaxSendRate). */
  maxRate: number;
  /** The pace never drops below this (messages per second). */
  minRate?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A throttled message waits at least this long before it is tried again, doubling each time. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 10_000;
/** After a Throttling answer the pace drops to this fraction... */
const DECREASE = 0.7;
/** ...and recovers by this fraction of the maximum per accepted message. */
const INCREASE = 0.02;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export class Pacer {
  private max: number;
  private current: number;
  private readonly min: number;
  private next = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(opts: PacerOptions) {
    this.max = positive(opts.maxRate);
    this.current = this.max;
    this.min = Math.min(opts.minRate ?? 0.5, this.max);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? sleep;
    this.random = opts.random ?? Math.random;
  }

  /** The pace now, in messages per second. */
  get rate(): number {
    return this.current;
  }

  get maxRate(): number {
    return this.max;
  }

  /** A new MaxSendRate from GetSendQuota: the pace follows it (down at once, up gradually). */
  setMaxRate(maxRate: number): void {
    this.max = positive(maxRate);
    this.current = Math.min(this.current, this.max);
  }

  /**
   * Waits for the next free slot. Slots are reserved synchronously, so callers running at the
   * same time get distinct, evenly spaced slots.
   */
  async slot(): Promise<void> {
    const t = this.now();
    const at = Math.max(t, this.next);
    this.next = at + 1000 / this.current;
    if (at > t) await this.sleep(at - t);
  }

  /** SES accepted a message. */
  onSuccess(): void {
    this.current = Math.min(this.max, this.current + this.max * INCREASE);
  }

  /** SES answered Throttling: slow down. */
  onThrottle(): void {
    this.current = Math.max(this.min, this.current * DECREASE);
  }

  /** How long to wait before retry number `attempt` (0-based): exponential, half of it jittered. */
  backoffMs(attempt: number): number {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
    return ceiling / 2 + this.random() * (ceiling / 2);
  }
}

function positive(rate: number): number {
  if (!Number.isFinite(rate) || rate <= 0)
    throw new Error(`send rate must be a positive number, got ${rate}`);
  return rate;
}
