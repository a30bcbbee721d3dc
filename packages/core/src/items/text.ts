/**
 * Text helpers for items: the normalised search text behind `GET /api/items?q=`, whitespace
 * collapsing, and cutting descriptions on grapheme boundaries (so Japanese text, emoji and
 * combining marks are never split).
 */

/** NFKC folds full-width/half-width forms (ＡＢＣ → abc, ｶﾀｶﾅ → カタカナ); lower-case folds Latin case. */
export function normalizeSearch(text: string): string {
  return collapseWhitespace(text.normalize("NFKC").toLowerCase());
}

/** What `q` is matched against: title, description and domain, normalised once at write time. */
export function searchTextOf(item: { title: string; description?: string | null; domain: string }): string {
  return normalizeSearch([item.title, item.description ?? "", item.domain].join("\n"));
}

export const MAX_SEARCH_TERMS = 8;

/** `q` as terms that must all occur (whitespace-separated, normalised like the stored text). */
export function searchTerms(q: string): string[] {
  const terms = normalizeSearch(q).split(" ").filter(Boolean);
  return [...new Set(terms)].slice(0, MAX_SEARCH_TERMS);
}

/** Runs of whitespace (including full-width spaces and line breaks) become one space; trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/[\s\u3000]+/gu, " ").trim();
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * At most `max` user-perceived characters: longer text is cut on a grapheme boundary, trailing
 * spaces and punctuation that would dangle before the ellipsis are dropped, and "…" is added.
 */
export function truncateGraphemes(text: string, max: number, ellipsis = "…"): string {
  if (text.length <= max) return text; // a grapheme is at least one UTF-16 unit
  const parts: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    if (parts.length === max) {
      const kept = parts.slice(0, Math.max(1, max - 1)).join("");
      return kept.replace(/[\s\u3000,.、。:;–—-]+$/u, "") + ellipsis;
    }
    parts.push(segment);
  }
  return text;
}
