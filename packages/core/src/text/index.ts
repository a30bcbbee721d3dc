/**
 * Text helpers, a bottom layer (it imports nothing of the domain, so the store may use it): the
 * normalised search text behind `GET /api/items?q=`, whitespace collapsing, and cutting text on
 * grapheme boundaries (so Japanese text, emoji and combining marks are never split).
 */
import { stripXmlForbidden } from "../control-chars.js";

/** NFKC folds full-width/half-width forms (ＡＢＣ → abc, ｶﾀｶﾅ → カタカナ); lower-case folds Latin case. */
export function normalizeSearch(text: string): string {
  return collapseWhitespace(text.normalize("NFKC").toLowerCase());
}

/**
 * What `q` is matched against: title, description, the longer text the description was cut from
 * (`fullText`, store-only) and domain, normalised once at write time.
 */
export function searchTextOf(item: {
  title: string;
  description?: string | null;
  fullText?: string | null;
  domain: string;
}): string {
  return normalizeSearch([item.title, item.description ?? "", item.fullText ?? "", item.domain].join("\n"));
}

/** How much of the longer text is kept for search: enough for a post's opening, bounded per item. */
export const FULL_TEXT_MAX = 2000;

export const MAX_SEARCH_TERMS = 8;

/** `q` as terms that must all occur (whitespace-separated, normalised like the stored text). */
export function searchTerms(q: string): string[] {
  const terms = normalizeSearch(q).split(" ").filter(Boolean);
  return [...new Set(terms)].slice(0, MAX_SEARCH_TERMS);
}

/**
 * Runs of whitespace (including full-width spaces and line breaks) become one space; trimmed.
 * Characters XML forbids go too: every item text passes here, and reaches `/feed.xml` and mail.
 */
export function collapseWhitespace(text: string): string {
  return stripXmlForbidden(text)
    .replace(/[\s\u3000]+/gu, " ")
    .trim();
}

// Made on first use: creating it loads ICU's segmentation data, which costs every Lambda's cold
// start milliseconds whether it cuts any text or not.
let segmenter: Intl.Segmenter | undefined;
const graphemes = (): Intl.Segmenter =>
  (segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" }));

/**
 * At most `max` user-perceived characters: longer text is cut on a grapheme boundary, trailing
 * spaces and punctuation that would dangle before the ellipsis are dropped, and "…" is added.
 */
export function truncateGraphemes(text: string, max: number, ellipsis = "…"): string {
  if (text.length <= max) return text; // a grapheme is at least one UTF-16 unit
  const parts: string[] = [];
  for (const { segment } of graphemes().segment(text)) {
    if (parts.length === max) {
      const kept = parts.slice(0, Math.max(1, max - 1)).join("");
      return kept.replace(/[\s\u3000,.、。:;–—-]+$/u, "") + ellipsis;
    }
    parts.push(segment);
  }
  return text;
}

/** What a card shows of a description (issue 12): about one or two sentences, like an og:description. */
export const SHORT_DESCRIPTION_MAX = 160;

const SENTENCE_END = /[。．！？!?]|\.(?=\s|$)/gu;

/**
 * A description cut for a card: whitespace collapsed; text over `max` graphemes is cut after the
 * last sentence that ends in the second half of the limit (no ellipsis needed: it reads whole),
 * else after the last word (space-separated text), else on a grapheme boundary, with "…".
 */
export function shortDescription(text: string, max = SHORT_DESCRIPTION_MAX): string {
  const t = collapseWhitespace(text);
  if (t.length <= max) return t; // a grapheme is at least one UTF-16 unit
  // Only the head is looked at: segmenting the whole text (up to FULL_TEXT_MAX) cost every new
  // item a measurable share of a poll's CPU.
  const segments: string[] = [];
  for (const { segment } of graphemes().segment(t)) {
    segments.push(segment);
    if (segments.length > max) break;
  }
  if (segments.length <= max) return t;
  const head = segments.slice(0, max).join("");
  let sentenceEnd = -1;
  for (const m of head.matchAll(SENTENCE_END)) sentenceEnd = m.index + m[0].length;
  if (sentenceEnd > 0 && [...graphemes().segment(head.slice(0, sentenceEnd))].length >= max / 2) {
    return head.slice(0, sentenceEnd).trim();
  }
  const room = segments.slice(0, max - 1).join("");
  const space = room.lastIndexOf(" ");
  if (space >= room.length / 2) return `${room.slice(0, space).replace(/[\s,.、。:;–—-]+$/u, "")}…`;
  return truncateGraphemes(t, max);
}
