/**
 * RawFeed → ParsedFeed: the one place where feed values are cleaned (miniflux's adapter.go).
 * Titles and summaries become plain text, links absolute http(s) URLs (xml:base, then the feed's
 * own link, then the fetch URL), dates ISO-8601 UTC or null. Only what candidates use is kept:
 * no summary HTML, entry hashes or categories (the HTML sanitiser stays out of the poll worker).
 */
import { ParseBudget } from "../parse/limits.js";
import { parseDate } from "./date.js";
import { collapse, firstImageSrc, htmlToText, looksLikeHtml, readHtml, tidyLines } from "./html.js";
import type { NormalizedEntry, ParsedFeed, RawEntry, RawFeed, RawText, RawUrl } from "./types.js";

/**
 * `budget` is the document's (parse/limits.ts): the HTML of every entry is parsed under it, and
 * it counts entries too, so a feed of many entries is bounded in time as a whole.
 */
export function normalizeFeed(raw: RawFeed, fetchUrl: string, budget = new ParseBudget()): ParsedFeed {
  const html = budget.part("HTML in the feed");
  const docBase = absolute(fetchUrl, null);
  const link = firstUrl(raw.links, docBase, budget);
  const entryBase = link ?? docBase;
  const entries = raw.entries.map((e) => {
    budget.tick();
    return normalizeEntry(e, entryBase, html);
  });
  return { format: raw.format, title: plain(raw.title, html) || null, link, entries };
}

function normalizeEntry(raw: RawEntry, fallbackBase: string | null, budget: ParseBudget): NormalizedEntry {
  const summary = raw.summary?.value.trim() ? raw.summary : raw.content?.value.trim() ? raw.content : null;
  const explicitImage = firstUrl(raw.images, fallbackBase, budget);
  const read = summary ? readSummary(summary, budget, explicitImage === null) : null;
  const publishedAt = firstDate(raw.published, budget) ?? firstDate(raw.updated, budget);
  return {
    id: raw.id?.trim() || null,
    url: firstUrl(raw.links, fallbackBase, budget),
    title: plain(raw.title, budget),
    summaryText: read?.text || null,
    author: raw.authors.map(authorName).find(Boolean) ?? null,
    publishedAt,
    updatedAt: firstDate(raw.updated, budget),
    imageUrl: explicitImage ?? inlineImage(raw, resolveBases(raw.bases, fallbackBase), budget, summary, read),
  };
}

/** Plain text of a title-like field. */
function plain(t: RawText | null, budget: ParseBudget): string {
  if (!t) return "";
  if (t.type === "html" || (t.type === "guess" && looksLikeHtml(t.value)))
    return htmlToText(t.value, { budget });
  return collapse(t.value);
}

/** A summary read: its plain text, and the first picture in it when it was read as HTML (else undefined). */
interface SummaryRead {
  text: string;
  image?: string | null;
}

/**
 * Plain text of a summary, its line breaks kept, and (`image`) its first picture from the same
 * parse. Plain text is tidied as it is: the same lines as escaping it into HTML (`textToHtml`)
 * and reading that back, without a parse.
 */
function readSummary(t: RawText, budget: ParseBudget, image: boolean): SummaryRead {
  if (t.type === "html" || (t.type === "guess" && looksLikeHtml(t.value))) {
    const r = readHtml(t.value, { lines: true, budget, image });
    return image ? r : { text: r.text };
  }
  return { text: tidyLines(t.value.trim()) };
}

/**
 * "jane@example.com (Jane Doe)" → "Jane Doe"; otherwise the name as given. (As one expression,
 * `^\S+@\S+\s+…`, it is quadratic on a long run of "a@a@…": the @ is checked apart.)
 */
function authorName(s: string): string {
  const t = collapse(s);
  const m = /^(\S+)\s+\((.+)\)$/.exec(t);
  return m && /.@./.test(m[1]!) ? m[2]!.trim() : t;
}

function firstDate(values: string[], budget: ParseBudget): string | null {
  for (const v of values) {
    budget.tick();
    const iso = parseDate(v);
    if (iso) return iso;
  }
  return null;
}

/**
 * The first picture in the entry's own HTML (content before summary), as an absolute URL. The
 * fragment `read` came from (`summary`) is not parsed again.
 */
function inlineImage(
  raw: RawEntry,
  base: string | null,
  budget: ParseBudget,
  summary: RawText | null,
  read: SummaryRead | null,
): string | null {
  for (const t of [raw.content, raw.summary]) {
    if (!t || !(t.type === "html" || t.type === "guess")) continue;
    const src = t === summary && read?.image !== undefined ? read.image : firstImageSrc(t.value, budget);
    const url = src ? absolute(src, base) : null;
    if (url) return url;
  }
  return null;
}

// ---- URLs ----

/** The base in effect: nested xml:base values resolved outermost first, against `fallback`. */
function resolveBases(bases: string[], fallback: string | null): string | null {
  let base = fallback;
  for (const b of bases) base = resolveAny(b, base) ?? base;
  return base;
}

/** The first candidate that resolves to an absolute http(s) URL. */
function firstUrl(candidates: RawUrl[], fallback: string | null, budget: ParseBudget): string | null {
  for (const c of candidates) {
    budget.tick(); // an entry may carry any number of unusable links
    const url = absolute(c.href, resolveBases(c.bases, fallback));
    if (url) return url;
  }
  return null;
}

/** `href` resolved against `base`, if the result is http(s). */
function absolute(href: string, base: string | null): string | null {
  const url = resolveAny(href, base);
  return url && /^https?:\/\//i.test(url) ? url : null;
}

function resolveAny(href: string, base: string | null): string | null {
  const h = href.trim();
  if (!h) return null;
  try {
    return new URL(h, base ?? undefined).href;
  } catch {
    return null;
  }
}
