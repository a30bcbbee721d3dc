/**
 * Paces sends at the account's SES rate (MaxSendRate, messages per second) and slows down when SES
 * answers Throttling: additive increase, multiplicative decrease, so a send settles just under the
 * rate SES really grants instead of hammering it.
 *
 * Two rules together keep every one-second window of what SES receives under MaxSendRate:
 * - slots are handed out evenly spaced (1/pace apart, reserved synchronously), so concurrent
 *   senders together keep the pace and a pause saves no burst up; the pace is a little under
 *   MaxSendRate (`headroom`), so the spacing alone never trips the second rule;
 * - a slot is only released while fewer than MaxSendRate messages could land in one second with
 *   it: a message counts from its slot until one second after its answer (`PacerSlot.done`),
 *   since SES received it somewhere in between, less the shortest round trip seen: SES received
 *   the earlier message at least its way back before the answer, and receives the new one at
 *   least its way out after the slot, and the two ways together take a round trip. A late timer
 *   or a stalled event loop that wakes several senders at once, or delays answers, cannot push a
 *   window over.
 *
 * Without that last credit, each message counted a round trip (35 ms, 7 messages at 200/s) longer
 * than SES can have seen it, which left the window's cap only as much room as the headroom: a
 * stall of 20-50 ms was enough to fill it. Then the slots due were held and went out together,
 * were answered together and left the window together a second later, and the pause and the
 * burst repeated every second while held slots were owed: 110-200 ms pauses at SES and lowest
 * windows of 0.735-0.885 of the rate. Measured side by side (the send benchmark's run at 200/s:
 * 2,000 recipients, 30 ms per SES call, 5 ms per DynamoDB request; with and without the credit
 * in turn, 12 runs each, on a busy day): lowest window 0.785 median without the credit, 0.895
 * (0.835-0.91) with it; longest pause at SES 142 ms median without, 38 ms with.
 */
export interface PacerOptions {
  /** Messages per second allowed (SES MaxSendRate). */
  maxRate: number;
  /** The pace never drops below this (messages per second). */
  minRate?: number;
  /** The fraction of maxRate the pace aims at (default PACE_HEADROOM). */
  headroom?: number;
  /** Milliseconds on a clock that never steps back (default performance.now). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * 7% under MaxSendRate: a message counts for a second plus how much longer its round trip was
 * than the shortest (see above), so even spacing stays clear of the window cap while answers
 * come up to 75 ms late. Closer to the rate, the cap holds releases whenever answers come late,
 * and the held slots go out as a burst that echoes (see above). Measured with the send
 * benchmark's run at 200/s (30 ms per SES call): before the credit, at 0.95 and above the lowest
 * one-second window fell to 0.69-0.88 of the rate in most runs; with it, at 0.94 and 0.95 the
 * busiest window reached the cap (1.00) in 6 of 10 runs and the lowest was no better than at
 * 0.93 (0.795-0.915 against 0.875-0.89 on the same afternoon, taken in turn).
 */
export const PACE_HEADROOM = 0.93;
const WINDOW_MS = 1000;
/** A slot without an answer for this long stops counting (SES calls are given up on after 30 s). */
const IN_FLIGHT_MAX_MS = 60_000;
/** Waiting for answers to free the window: looked at again this often. */
const RECHECK_MS = 5;
/** Slots summed from a fractional spacing land a rounding error short of a full window. */
const EPSILON_MS = 1e-6;
/** A throttled message waits at least this long before it is tried again, doubling each time. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 10_000;
/** After a Throttling answer the pace drops to this fraction... */
const DECREASE = 0.7;
/** ...and recovers by this fraction of the maximum per accepted message. */
const INCREASE = 0.02;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** A released slot: say when SES answered the message sent on it, or that nothing was sent. */
export interface PacerSlot {
  /** SES answered (or the call was given up on): the message counts one more second. */
  done(): void;
  /** Nothing was sent on the slot: it stops counting. */
  cancel(): void;
}

interface Sent {
  at: number;
  /** When SES answered; undefined while the call is in flight. */
  doneAt?: number;
}

export class Pacer {
  private max: number;
  private readonly headroom: number;
  private current: number;
  private readonly min: number;
  private next = Number.NEGATIVE_INFINITY;
  /** Slots that may still count in a window, oldest first. */
  private sent: Sent[] = [];
  /** The shortest round trip seen (slot to answer, ms): the credit of an answered message. */
  private shortestTrip = Number.POSITIVE_INFINITY;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(opts: PacerOptions) {
    this.max = positive(opts.maxRate);
    const headroom = opts.headroom ?? PACE_HEADROOM;
    if (!(headroom > 0 && headroom <= 1))
      throw new Error(`pacer headroom must be in (0, 1], got ${headroom}`);
    this.headroom = headroom;
    this.current = this.ceiling;
    this.min = Math.min(opts.minRate ?? 0.5, this.ceiling);
    this.now = opts.now ?? (() => performance.now());
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

  /** The highest pace: MaxSendRate less the headroom. */
  private get ceiling(): number {
    return this.max * this.headroom;
  }

  /** Messages allowed to land in one second: MaxSendRate, or less after Throttling. */
  private get windowCap(): number {
    return Math.max(1, Math.floor(this.current / this.headroom + EPSILON_MS));
  }

  /** A new MaxSendRate from GetSendQuota: the pace follows it (down at once, up gradually). */
  setMaxRate(maxRate: number): void {
    this.max = positive(maxRate);
    this.current = Math.min(this.current, this.ceiling);
  }

  /**
   * Waits for the next free slot. Slots are reserved synchronously, so callers running at the
   * same time get distinct, evenly spaced slots; a slot is then released only if the window has
   * room (see the module comment). Send at once, and call `done()` when SES answered, or
   * `cancel()` if nothing was sent: a slot kept for later is a burst later.
   */
  async slot(): Promise<PacerSlot> {
    const t = this.now();
    const at = Math.max(t, this.next);
    this.next = at + 1000 / this.current;
    if (at > t) await this.sleep(at - t);
    for (;;) {
      const now = this.now();
      const wait = this.windowWait(now);
      if (wait <= 0) {
        const entry: Sent = { at: now };
        this.sent.push(entry);
        return {
          done: () => {
            if (entry.doneAt !== undefined) return;
            entry.doneAt = this.now();
            this.shortestTrip = Math.min(this.shortestTrip, entry.doneAt - entry.at);
          },
          cancel: () => {
            const i = this.sent.indexOf(entry);
            if (i >= 0) this.sent.splice(i, 1);
          },
        };
      }
      await this.sleep(wait);
    }
  }

  /** `send` on the next slot; the slot is done when `send` settles. */
  async paced<T>(send: () => Promise<T>): Promise<T> {
    const slot = await this.slot();
    try {
      return await send();
    } finally {
      slot.done();
    }
  }

  /** 0 when a message may go now, else how long to wait before looking again. */
  private windowWait(now: number): number {
    // An answered message counts until a second after its answer less the shortest round trip
    // (the module comment); before the first answer, for the whole second.
    const credit = Number.isFinite(this.shortestTrip) ? this.shortestTrip : 0;
    const since = now - WINDOW_MS + EPSILON_MS + credit;
    this.sent = this.sent.filter((s) =>
      s.doneAt === undefined ? s.at > now - IN_FLIGHT_MAX_MS : s.doneAt > since,
    );
    if (this.sent.length < this.windowCap) return 0;
    // The window frees up when the earliest answered message leaves it, or when an answer comes.
    const leaving = this.sent.filter((s) => s.doneAt !== undefined).map((s) => s.doneAt! - since);
    return Math.max(EPSILON_MS, Math.min(RECHECK_MS, ...leaving));
  }

  /** SES accepted a message. */
  onSuccess(): void {
    this.current = Math.min(this.ceiling, this.current + this.ceiling * INCREASE);
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
