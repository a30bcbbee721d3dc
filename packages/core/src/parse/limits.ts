/**
 * Bounds on parsing anything that comes from outside (feeds, unfurled pages, HTML in titles and
 * summaries): DESIGN.md data flow 3, "a hostile document fails alone, never freezes the process".
 * Everything is parsed synchronously on the thread that also serves the API, so each bound is
 * there to keep one document's cost small and predictable:
 *
 * - depth 512 (elements open at once, JSON arrays/objects open at once): htmlparser2 keeps its
 *   stack with `unshift`/`shift` and looks end tags up with `indexOf`, so each tag costs O(depth);
 *   capping the depth makes that a constant and parsing linear. Browsers stop nesting at 512 too
 *   (Chromium's parser), and real feeds stay under 20.
 * - 100,000 elements per parse: the XML tree is held in memory, ~550 bytes an element with its
 *   names, attributes and text (measured), so ~55 MB at most; the densest feed we know has 17k
 *   elements per MB.
 * - 1 s of CPU time per document (a feed with all its HTML, or a page), checked while parsing
 *   and between entries: the backstop for work that stays linear but is large, or that these
 *   counts do not see (a normal 1 MB feed takes 50–150 ms). CPU time, not wall-clock time, so a
 *   busy machine does not fail a normal feed; the process's, as Node 20 cannot tell one
 *   thread's: the parse is synchronous, so besides it only the garbage collector's helper
 *   threads count, and we run no worker threads.
 *
 * Past a bound, parsing stops with a ParseLimitError; callers turn it into their own error kind
 * (FeedError on the source, UnfurlError on the item).
 */

export interface ParseLimits {
  maxDepth: number;
  maxElements: number;
  cpuBudgetMs: number;
}

export const PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxDepth: 512,
  maxElements: 100_000,
  cpuBudgetMs: 1_000,
});

/** CPU time (user + system) this process has used, in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A document past one of the bounds. The message says which, in words for the editor. */
export class ParseLimitError extends Error {
  override name = "ParseLimitError";
}

export const isParseLimitError = (e: unknown): e is ParseLimitError =>
  e instanceof Error && e.name === "ParseLimitError";

/** How often `tick()` reads the clock (a system call). */
const CLOCK_EVERY = 256;

/**
 * One document's allowance: the limits, and a deadline shared by every parse of that document
 * (its XML, then each HTML fragment in it). `what` names the document in messages.
 *
 * The clock starts at the first check, not here: a small document (under 256 elements and one
 * 64 KiB chunk) then never reads it. The work left uncounted is that much, at most.
 */
export class ParseBudget {
  readonly limits: Readonly<ParseLimits>;
  private ticks = 0;

  constructor(
    readonly what = "the document",
    limits: Partial<ParseLimits> = PARSE_LIMITS,
    private readonly now: () => number = cpuMs,
    private readonly clock: { deadline?: number } = {},
  ) {
    this.limits = limits === PARSE_LIMITS ? PARSE_LIMITS : { ...PARSE_LIMITS, ...limits };
  }

  /** The same allowance and clock, for a part of the document named `what` in messages. */
  part(what: string): ParseBudget {
    return new ParseBudget(what, this.limits, this.now, this.clock);
  }

  tooDeep(unit = "elements"): ParseLimitError {
    return new ParseLimitError(`${this.what} nests deeper than ${this.limits.maxDepth} ${unit}`);
  }

  tooMany(): ParseLimitError {
    return new ParseLimitError(`${this.what} has more than ${this.limits.maxElements} elements`);
  }

  /** Starts the clock, or throws once the deadline has passed. */
  check(): void {
    const now = this.now();
    if (this.clock.deadline === undefined) this.clock.deadline = now + this.limits.cpuBudgetMs;
    else if (now > this.clock.deadline)
      throw new ParseLimitError(
        `${this.what} took more than ${this.limits.cpuBudgetMs} ms of CPU time to read`,
      );
  }

  /** A unit of work: the clock is read every few hundred. */
  tick(): void {
    if (++this.ticks % CLOCK_EVERY === 0) this.check();
  }
}
