/**
 * htmlparser2 (HTML or XML mode) under the bounds of limits.ts. The parser streams and calls our
 * handler synchronously, so throwing from the handler stops it on the spot: the depth is checked
 * as each element opens (before htmlparser2's O(depth) stack operations can add up), the element
 * count too, and the clock every few hundred elements and between 64 KiB chunks.
 */
import { type Handler, Parser, type ParserOptions } from "htmlparser2";
import { ParseBudget } from "./limits.js";

const CHUNK = 64 * 1024;

export interface MarkupOptions {
  parser?: ParserOptions;
  budget?: ParseBudget;
  /** Asked between chunks: true ends the parse there (the rest is not read). */
  done?: () => boolean;
}

/**
 * Parses `text` with `handler`. Throws ParseLimitError past a bound. A handler that is a Guarded
 * (a subclass with its own methods) is used as it is, under its own budget.
 */
export function parseMarkup(
  text: string,
  handler: Partial<Handler> | Guarded,
  opts: MarkupOptions = {},
): void {
  const budget = handler instanceof Guarded ? handler.budget : (opts.budget ?? new ParseBudget());
  const cbs = handler instanceof Guarded ? handler : new Guarded(budget, handler);
  const parser = new Parser(cbs, opts.parser);
  for (let i = 0; i < text.length; i += CHUNK) {
    parser.write(text.slice(i, i + CHUNK));
    if (i + CHUNK >= text.length) break;
    // Between chunks only: most fragments are one chunk, and the clock is a system call.
    budget.check();
    if (opts.done?.()) break;
  }
  parser.end();
}

/**
 * htmlparser2 callbacks: the handler's own, plus a count of the elements open at once and in
 * all that throws past the budget's limits. htmlparser2 announces every element it pushes with
 * onopentagname and every pop with onclosetag (void elements get both), so the count follows its
 * stack. Also used with sanitize-html, whose onOpenTag/onCloseTag hooks mirror the same events.
 * (A class, not closures: its methods stay the same functions, which keeps htmlparser2's call
 * sites fast; per-parse closures made the corpus's small documents ~1.7× slower to tokenise.)
 * A subclass may add handler methods of its own (and call these when it overrides them).
 */
export class Guarded {
  private depth = 0;
  private elements = 0;
  private readonly inner: Partial<Handler>;

  constructor(
    readonly budget: ParseBudget,
    handler: Partial<Handler> = {},
  ) {
    const { onopentagname, onclosetag, ...rest } = handler;
    this.inner = { onopentagname, onclosetag };
    Object.assign(this, rest);
  }

  onopentagname(name: string): void {
    if (++this.depth > this.budget.limits.maxDepth) throw this.budget.tooDeep();
    if (++this.elements > this.budget.limits.maxElements) throw this.budget.tooMany();
    this.budget.tick();
    this.inner.onopentagname?.(name);
  }

  onclosetag(name: string, isImplied: boolean): void {
    if (this.depth > 0) this.depth--;
    this.inner.onclosetag?.(name, isImplied);
  }
}
