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
import { parseMarkup } from "../parse/markup.js";

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
  let out = "";
  let hidden = 0;
  parseMarkup(
    html,
    {
      onopentag(name) {
        if (HIDDEN.has(name)) hidden++;
        else if (opts.lines && BLOCK.has(name)) out += "\n";
        else if (!opts.lines && BLOCK.has(name)) out += " ";
      },
      onclosetag(name, isImplied) {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        else if (BLOCK.has(name) && !(isImplied && name === "br")) out += opts.lines ? "\n" : " ";
      },
      ontext(text) {
        if (hidden === 0) out += text;
      },
    },
    { parser: { decodeEntities: true }, budget: opts.budget ?? new ParseBudget("the HTML") },
  );
  return opts.lines ? tidyLines(out) : collapse(out);
}

/** Every run of ASCII whitespace as one space, trimmed (NBSP and other spaces are content). */
export const collapse = (s: string): string => s.replace(/[ \t\n\r\f\v]+/g, " ").replace(/^ | $/g, "");

function tidyLines(s: string): string {
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
export function firstImageSrc(html: string, budget = new ParseBudget("the HTML")): string | null {
  let found: string | null = null;
  parseMarkup(
    html,
    {
      onopentag(name, attrs) {
        if (found || name !== "img") return;
        const src = attrs.src?.trim();
        if (!src || src.startsWith("data:")) return;
        if (attrs.width === "1" || attrs.height === "1") return;
        found = src;
      },
    },
    { budget, done: () => found !== null },
  );
  return found;
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
