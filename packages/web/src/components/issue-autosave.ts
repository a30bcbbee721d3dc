/**
 * Saves the fields of a draft one at a time: a change is saved after a pause in typing
 * (`changed`), at once on blur (`flush(key)`), or all pending ones at once (`flush()`). Saves run
 * one after another, so two PATCHes never race; a field changed again while its save runs is
 * saved again with its newest value. `save(key)` reads the value when it runs.
 */
export type SaveState =
  | { state: "idle" }
  | { state: "pending" }
  | { state: "saving" }
  | { state: "saved" }
  | { state: "error"; error: unknown };

export interface Timers {
  set(f: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (f, ms) => setTimeout(f, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class AutoSaver<K extends string> {
  /** Saves still running on the page, whichever editor started them. */
  private static readonly running = new Set<Promise<void>>();

  /** Resolves when every save started so far has ended (a list read after leaving the editor). */
  static settled(): Promise<void> {
    return Promise.allSettled([...AutoSaver.running]).then(() => undefined);
  }

  private readonly timers = new Map<K, unknown>();
  private readonly dirty = new Set<K>();
  private readonly queued = new Set<K>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly save: (key: K) => Promise<void>,
    private readonly onState: (key: K, s: SaveState) => void,
    private readonly delay = 700,
    private readonly clock: Timers = realTimers,
  ) {}

  /** The field changed: save it after `delay` ms without another change. */
  changed(key: K, delay = this.delay) {
    this.dirty.add(key);
    this.onState(key, { state: "pending" });
    this.clearTimer(key);
    this.timers.set(
      key,
      this.clock.set(() => void this.flush(key), delay),
    );
  }

  /** Saves `key` now (or every changed field): resolves when that save has run. */
  flush(key?: K): Promise<void> {
    const keys = key === undefined ? [...this.dirty] : [key];
    for (const k of keys) {
      this.clearTimer(k);
      if (this.dirty.has(k)) this.enqueue(k);
    }
    return this.chain;
  }

  /** Something is changed and not saved yet (or being saved). */
  get busy(): boolean {
    return this.dirty.size > 0 || this.queued.size > 0;
  }

  /** Forgets pending changes (the view is going away after a flush, or the issue is no draft). */
  cancel() {
    for (const k of [...this.timers.keys()]) this.clearTimer(k);
    this.dirty.clear();
  }

  private clearTimer(key: K) {
    const t = this.timers.get(key);
    if (t !== undefined) this.clock.clear(t);
    this.timers.delete(key);
  }

  private enqueue(key: K) {
    if (this.queued.has(key)) return;
    this.queued.add(key);
    const run = this.chain.then(async () => {
      this.queued.delete(key);
      if (!this.dirty.has(key)) return;
      this.dirty.delete(key);
      this.onState(key, { state: "saving" });
      try {
        await this.save(key);
        this.onState(key, this.dirty.has(key) ? { state: "pending" } : { state: "saved" });
      } catch (error) {
        this.onState(key, { state: "error", error });
      }
    });
    this.chain = run;
    AutoSaver.running.add(run);
    void run.finally(() => AutoSaver.running.delete(run));
  }
}
