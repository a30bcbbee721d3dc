/**
 * RawFeed → ParsedFeed: the one place where feed values are cleaned (miniflux's adapter.go).
 * Titles become plain text, summaries sanitised HTML plus plain text, links absolute http(s)
 * URLs (xml:base, then the feed's own link, then the fetch URL), dates ISO-8601 UTC or null,
 * and every entry gets a stable hash.
 */
import { ParseBudget } from "../parse/limits.js";
import { shortHash } from "../url/canonical.js";
import { parseDate } from "./date.js";
import { collapse, firstImageSrc, htmlToText, looksLikeHtml, sanitizeHtml, textToHtml } from "./html.js";
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
  assignHashes(entries);
  return { format: raw.format, title: plain(raw.title, html) || null, link, entries };
}

type Unhashed = Omit<NormalizedEntry, "hash"> & { hash?: string };

function normalizeEntry(raw: RawEntry, fallbackBase: string | null, budget: ParseBudget): NormalizedEntry {
  const base = resolveBases(raw.bases, fallbackBase);
  const summary = raw.summary?.value.trim() ? raw.summary : raw.content?.value.trim() ? raw.content : null;
  const summaryHtml = summary ? sanitizeHtml(asHtml(summary), base, budget) || null : null;
  const summaryText = summaryHtml ? htmlToText(summaryHtml, { lines: true, budget }) || null : null;
  const publishedAt = firstDate(raw.published, budget) ?? firstDate(raw.updated, budget);
  const entry: Unhashed = {
    id: raw.id?.trim() || null,
    url: firstUrl(raw.links, fallbackBase, budget),
    title: plain(raw.title, budget),
    summaryHtml,
    summaryText,
    author: raw.authors.map(authorName).find(Boolean) ?? null,
    publishedAt,
    updatedAt: firstDate(raw.updated, budget),
    imageUrl: firstUrl(raw.images, fallbackBase, budget) ?? inlineImage(raw, base, budget),
    categories: [...new Set(raw.categories.map((c) => collapse(c)).filter(Boolean))],
  };
  return entry as NormalizedEntry;
}

/** Plain text of a title-like field. */
function plain(t: RawText | null, budget: ParseBudget): string {
  if (!t) return "";
  if (t.type === "html" || (t.type === "guess" && looksLikeHtml(t.value)))
    return htmlToText(t.value, { budget });
  return collapse(t.value);
}

function asHtml(t: RawText): string {
  if (t.type === "html" || (t.type === "guess" && looksLikeHtml(t.value))) return t.value;
  return textToHtml(t.value.trim());
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

/** The first picture in the entry's own HTML (content before summary), as an absolute URL. */
function inlineImage(raw: RawEntry, base: string | null, budget: ParseBudget): string | null {
  for (const t of [raw.content, raw.summary]) {
    if (!t || !(t.type === "html" || t.type === "guess")) continue;
    const src = firstImageSrc(t.value, budget);
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

// ---- hashes ----

/**
 * guid → hash of the guid; a guid shared by several entries (broken generators) → hash of
 * guid + url + title; no guid → url; no url → title + summary. Exact duplicates get a counter.
 * Independent of entry order except for exact duplicates.
 */
function assignHashes(entries: Unhashed[]): void {
  const idCount = new Map<string, number>();
  for (const e of entries) if (e.id) idCount.set(e.id, (idCount.get(e.id) ?? 0) + 1);
  const used = new Map<string, number>();
  for (const e of entries) {
    let key: string;
    if (e.id) key = (idCount.get(e.id) ?? 0) > 1 ? `id:${e.id}\n${e.url ?? ""}\n${e.title}` : `id:${e.id}`;
    else if (e.url) key = `url:${e.url}`;
    else key = `text:${e.title}\n${e.summaryText ?? ""}`;
    const n = used.get(key) ?? 0;
    used.set(key, n + 1);
    e.hash = shortHash(n === 0 ? key : `${key}\n#${n}`);
  }
}
