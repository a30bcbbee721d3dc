/**
 * HTML from feeds: reduce to plain text, find the first picture, and tell
 * whether an RSS string is HTML at all. Used by the adapter only.
 *
 * Every parse runs under a ParseBudget (parse/limits.ts): depth, element count and time are
 * bounded, and a fragment past them throws ParseLimitError. Callers pass the budget of the
 * document the fragment came from, so a feed's fragments share its deadline.
 */
import { escapeText } from "entities";
import { ParseBudget } from "../parse/limits.js";
import { Guarded, parseMarkup } from "../parse/markup.js";

/** Elements whose content is never readable text (object/applet content is fallback text: kept). */
const HIDDEN = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "iframe",
  "frame",
  "frameset",
  "noframes",
  "noembed",
  "head",
  "title",
  "select",
  "textarea",
  "svg",
  "math",
]);

const BLOCK = new Set([
  "p",
  "div",
  "br",
  "li",
  "ul",
  "ol",
  "dl",
  "dt",
  "dd",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "pre",
  "tr",
  "table",
  "hr",
  "section",
  "article",
  "header",
  "footer",
  "figure",
  "figcaption",
  "aside",
]);

/**
 * Plain text of an HTML fragment, entities decoded. `lines`: block elements become line breaks
 * (for summaries); otherwise every run of whitespace is one space (for titles).
 */
export function htmlToText(html: string, opts: { lines?: boolean; budget?: ParseBudget } = {}): string {
  return readHtml(html, opts).text;
}

/**
 * `htmlToText`, and with `image` also `firstImageSrc` of the same fragment, from one parse (a
 * summary is often the fragment its entry's picture is looked for in).
 */
export function readHtml(
  html: string,
  opts: { lines?: boolean; budget?: ParseBudget; image?: boolean } = {},
): { text: string; image: string | null } {
  // Without `<` or `&` there is no tag and no reference: the parser would hand the string back as
  // one text run. Most feed titles and many summaries are such plain text (the corpus: ~80%).
  if (isPlainText(html)) return { text: opts.lines ? tidyLines(html) : collapse(html), image: null };
  const reader = new TextReader(opts.budget ?? new ParseBudget("the HTML"), !!opts.lines, !!opts.image);
  parseMarkup(html, reader, { parser: { decodeEntities: true } });
  return { text: opts.lines ? tidyLines(reader.out) : collapse(reader.out), image: reader.image };
}

/** The text (and first picture) of a fragment, as htmlparser2 reports it: state in fields, no closures per parse. */
class TextReader extends Guarded {
  out = "";
  image: string | null = null;
  private hidden = 0;

  constructor(
    budget: ParseBudget,
    private readonly lines: boolean,
    private readonly wantImage: boolean,
  ) {
    super(budget);
  }

  onopentag(name: string, attrs: Record<string, string>): void {
    if (this.wantImage && name === "img" && this.image === null) this.image = pictureSrc(attrs);
    if (HIDDEN.has(name)) this.hidden++;
    else if (BLOCK.has(name)) this.out += this.lines ? "\n" : " ";
  }

  override onclosetag(name: string, isImplied: boolean): void {
    super.onclosetag(name, isImplied);
    if (HIDDEN.has(name)) this.hidden = Math.max(0, this.hidden - 1);
    else if (BLOCK.has(name) && !(isImplied && name === "br")) this.out += this.lines ? "\n" : " ";
  }

  ontext(text: string): void {
    if (this.hidden === 0) this.out += text;
  }
}

/** True when `s` has neither `<` nor `&`: as HTML it is its own text. */
const isPlainText = (s: string): boolean => !s.includes("<") && !s.includes("&");

/** Every run of ASCII whitespace as one space, trimmed (NBSP and other spaces are content). */
export const collapse = (s: string): string => s.replace(/[ \t\n\r\f\v]+/g, " ").replace(/^ | $/g, "");

/** Line mode's tidying: spaces within each line collapsed, at most one blank line in a row, trimmed. */
export function tidyLines(s: string): string {
  return s
    .split("\n")
    .map((l) => l.replace(/[ \t\r\f\v]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Plain text as HTML (for text-typed summaries). */
export const textToHtml = (text: string): string => escapeText(text).replace(/\n/g, "<br>");

/**
 * The `src` of the first real picture in an HTML fragment (1×1 tracking pixels skipped),
 * as written (the caller resolves it).
 */
export function firstImageSrc(html: string, budget?: ParseBudget): string | null {
  // No `<img` (any case), no img element: most fragments are skipped without a parse.
  if (!/<img/i.test(html)) return null;
  let found: string | null = null;
  try {
    parseMarkup(
      html,
      {
        onopentag(name, attrs) {
          if (name !== "img") return;
          found = pictureSrc(attrs);
          // The rest of the fragment cannot change the answer: stop the parse here, mid-chunk
          // (entries' content often holds its picture near the top of a long text).
          if (found !== null) throw FOUND;
        },
      },
      { budget: budget ?? new ParseBudget("the HTML") },
    );
  } catch (e) {
    if (e !== FOUND) throw e;
  }
  return found;
}

/** Thrown from the handler to end a parse once its answer is known (never escapes). */
const FOUND = Symbol("found");

/** An img's `src`, unless it has none, is a data: URL or a 1×1 tracking pixel. */
function pictureSrc(attrs: Record<string, string>): string | null {
  const src = attrs.src?.trim();
  if (!src || src.startsWith("data:")) return null;
  if (attrs.width === "1" || attrs.height === "1") return null;
  return src;
}

/** HTML element names that make an RSS string "HTML" (plus any end tag or entity reference). */
const HTML_ELEMENTS =
  "a|abbr|b|big|blockquote|br|cite|code|del|div|em|font|h[1-6]|hr|i|img|ins|kbd|li|ol|p|pre|q|s|small|span|strike|strong|sub|sup|table|td|th|tr|tt|u|ul|script|style|iframe|object|embed|applet|blink|meta|link|frame";
const END_TAG_OR_REFERENCE = /<\/[a-z][a-z0-9]*\s*>|&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i;
const START_TAG = new RegExp(`<(?:${HTML_ELEMENTS})(\\/?>|\\s)`, "i");

/**
 * Whether a string from an untyped field (RSS title) is HTML rather than plain text: an end tag,
 * a character reference, or a start tag `<name(\s[^>]*)?/?>`. That last pattern, as one regular
 * expression, rescans to the end from every `<name ` without a `>` (quadratic in a hostile
 * title); it matches exactly when a `<name` is closed at once or is followed by a space and,
 * anywhere later, a `>`, and the first such `<name` decides.
 */
export function looksLikeHtml(s: string): boolean {
  if (END_TAG_OR_REFERENCE.test(s)) return true;
  const m = START_TAG.exec(s);
  if (!m) return false;
  return m[1]!.endsWith(">") || s.includes(">", m.index + m[0].length);
}
