/**
 * JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) → RawFeed. Every field is optional and
 * checked for its type here: a wrong type counts as absent.
 */
import { FeedError } from "./errors.js";
import type { RawEntry, RawFeed, RawUrl } from "./types.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v : null);
/** Ids may be numbers in the wild even though the spec says string. */
const id = (v: unknown): string | null =>
  typeof v === "number" && Number.isFinite(v) ? String(v) : (str(v)?.trim() ?? null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const url = (v: unknown): RawUrl[] => {
  const href = str(v);
  return href ? [{ href: href.trim(), bases: [] }] : [];
};

export function isJsonFeed(doc: unknown): doc is Json {
  return isObject(doc) && typeof doc.version === "string" && /jsonfeed\.org\/version\//i.test(doc.version);
}

export function readJsonFeed(doc: unknown): RawFeed {
  if (!isJsonFeed(doc))
    throw new FeedError("not a feed: JSON, but not a JSON Feed (no jsonfeed.org version)");
  return {
    format: "json",
    title: textOf(doc.title),
    links: url(doc.home_page_url),
    entries: list(doc.items).filter(isObject).map(readItem),
  };
}

function readItem(item: Json): RawEntry {
  const html = str(item.content_html);
  const text = str(item.content_text);
  const attachments = list(item.attachments).filter(isObject);
  return {
    id: id(item.id),
    title: textOf(item.title),
    links: [...url(item.url), ...url(item.external_url)],
    summary: str(item.summary) ? { value: str(item.summary)!, type: "guess" } : null,
    content: html ? { value: html, type: "html" } : text ? { value: text, type: "text" } : null,
    bases: [],
    authors: [...list(item.authors), item.author].flatMap((a) =>
      isObject(a) && str(a.name) ? [str(a.name)!] : [],
    ),
    published: [str(item.date_published)].filter((d): d is string => d !== null),
    updated: [str(item.date_modified)].filter((d): d is string => d !== null),
    images: [
      ...url(item.image),
      ...url(item.banner_image),
      ...attachments.filter((a) => /^image\//i.test(str(a.mime_type) ?? "")).flatMap((a) => url(a.url)),
    ],
  };
}

/** Titles are plain text by the spec, but real feeds put entities in them: guess. */
const textOf = (v: unknown) => (str(v) ? { value: str(v)!, type: "guess" as const } : null);
