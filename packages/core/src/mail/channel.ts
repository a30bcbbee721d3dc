/**
 * A bounded queue between async producers and consumers: `put` waits while it is full, `take`
 * waits while it is empty and answers undefined once it is closed and drained. The sender uses it
 * to keep a few messages claimed and composed ahead of the ones in flight, and no more.
 */
export class Channel<T> {
  private readonly items: T[] = [];
  private readonly takers: ((v: T | undefined) => void)[] = [];
  private readonly putters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly capacity: number) {
    if (capacity < 1) throw new Error("channel capacity must be at least 1");
  }

  /** Adds a value, waiting for room. False when the channel was closed (the value is not added). */
  async put(value: T): Promise<boolean> {
    while (!this.closed && this.items.length >= this.capacity) {
      await new Promise<void>((r) => this.putters.push(r));
    }
    if (this.closed) return false;
    const taker = this.takers.shift();
    if (taker) taker(value);
    else this.items.push(value);
    return true;
  }

  /** The next value, or undefined once the channel is closed and empty. */
  async take(): Promise<T | undefined> {
    const v = this.items.shift();
    if (v !== undefined) {
      this.putters.shift()?.();
      return v;
    }
    if (this.closed) return undefined;
    return new Promise<T | undefined>((r) => this.takers.push(r));
  }

  /** The next value if one is queued now, else undefined (never waits). */
  tryTake(): T | undefined {
    const v = this.items.shift();
    if (v !== undefined) this.putters.shift()?.();
    return v;
  }

  /** No more puts; takers get what is queued, then undefined. */
  close(): void {
    this.closed = true;
    for (const t of this.takers.splice(0)) t(undefined);
    for (const p of this.putters.splice(0)) p();
  }

  /** Takes everything queued now, without waiting. */
  drain(): T[] {
    const out = this.items.splice(0);
    for (const p of this.putters.splice(0)) p();
    return out;
  }
}
