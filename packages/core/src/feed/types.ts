/**
 * The feed module's types: what parseFeed returns (NormalizedEntry is all that code downstream
 * sees), and the raw shape the format readers hand to the adapter (values exactly as written).
 */

export type FeedFormat = "rss" | "rdf" | "atom" | "json";

export interface ParsedFeed {
  format: FeedFormat;
  /** Plain text, or null when the feed has none. */
  title: string | null;
  /** The site's (absolute, http(s)) address, or null. */
  link: string | null;
  /** In document order; entries without a usable link are kept with `url: null`. */
  entries: NormalizedEntry[];
}

export interface NormalizedEntry {
  /** guid / id / rdf:about as given, or null. */
  id: string | null;
  /** Absolute http(s) URL, or null when the entry has none usable. */
  url: string | null;
  /** Plain text ("" when the entry has no title). */
  title: string;
  /** Plain text of the summary, else of the content, or null. */
  summaryText: string | null;
  author: string | null;
  /** ISO-8601 UTC. Falls back to the updated date when the entry has no publication date. */
  publishedAt: string | null;
  updatedAt: string | null;
  /** Absolute http(s) URL of a picture for the entry, or null. */
  imageUrl: string | null;
}

/**
 * A text as the document gives it. `text`: plain; `html`: markup (Atom type="html"/"xhtml",
 * RSS descriptions); `guess`: untyped (RSS titles), HTML only if it looks like HTML.
 */
export interface RawText {
  value: string;
  type: "text" | "html" | "guess";
}

/** A URL as written, with the `xml:base` values in scope (outermost first). */
export interface RawUrl {
  href: string;
  bases: string[];
}

export interface RawLink extends RawUrl {
  rel: string | null;
  type: string | null;
}

export interface RawEntry {
  id: string | null;
  title: RawText | null;
  /** Candidate links in preference order: the first usable one is the entry's URL. */
  links: RawUrl[];
  summary: RawText | null;
  content: RawText | null;
  /** Base for relative URLs inside summary/content. */
  bases: string[];
  authors: string[];
  /** Raw date strings in preference order (first parseable wins). */
  published: string[];
  updated: string[];
  /** Explicit picture candidates in preference order (media:thumbnail, enclosures, …). */
  images: RawUrl[];
}

export interface RawFeed {
  format: FeedFormat;
  title: RawText | null;
  links: RawUrl[];
  entries: RawEntry[];
}
