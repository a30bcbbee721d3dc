/**
 * RSS 2.0 / Atom / RDF / JSON Feed sources: a conditional GET with the stored validators, then
 * the feed parser. Entries without a usable link cannot become items (an item is its URL): they
 * are skipped and counted, and the count is shown on the source.
 *
 * The parser (feed/) is loaded on the first document that changed: most polls of a steady feed
 * are a 304 and read nothing, and in a Lambda bundle it is a chunk of its own.
 */
import type { Ctx } from "../../context.js";
import type { NormalizedEntry, ParsedFeed } from "../../feed/index.js";
import type { SourceRecord } from "../../store/sources.js";
import { truncateGraphemes } from "../../text/index.js";
import { loadOnce } from "../../util/load-once.js";
import type { AdapterResult, Candidate, SourceAdapter } from "./types.js";
import { SourceError } from "./types.js";

/** What a feed reader accepts: the feed types first, then what servers often label feeds with. */
export const FEED_ACCEPT =
  "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

const UNTITLED_MAX = 120;

const loadParser = loadOnce(() => import("../../feed/index.js"));

/**
 * Polls one feed document: a conditional GET with the source's validators, the parser, and each
 * entry with a link mapped to a candidate (`toCandidate` returns null to skip one); entries
 * without a usable link, or skipped, are counted. Shared by feed sources and GitHub's releases.atom.
 */
export async function pollFeedDocument(
  ctx: Ctx,
  url: string,
  source: SourceRecord,
  toCandidate: (entry: NormalizedEntry & { url: string }, feed: ParsedFeed) => Candidate | null,
): Promise<AdapterResult> {
  const res = await ctx.fetch(url, {
    accept: FEED_ACCEPT,
    etag: source.etag,
    lastModified: source.lastModified,
  });
  const validators = { etag: res.etag, lastModified: res.lastModified };
  const redirectChain = res.redirectChain;
  if (res.notModified)
    return { notModified: true, validators, maxAgeSeconds: res.maxAgeSeconds, redirectChain };
  const { parseFeed } = await loadParser();
  const feed = parseFeed({ body: res.body, contentType: res.contentType, url: res.url });
  const entries: Candidate[] = [];
  let skipped = 0;
  for (const e of feed.entries) {
    const c = e.url ? toCandidate({ ...e, url: e.url }, feed) : null;
    if (c) entries.push(c);
    else skipped++;
  }
  return {
    notModified: false,
    entries,
    validators,
    maxAgeSeconds: res.maxAgeSeconds,
    skipped,
    title: feed.title,
    redirectChain,
    ...(feed.entries.length === 0 ? { unreadItems: itemElements(res.body) } : {}),
  };
}

/** `<item>` / `<entry>` start tags, any prefix (tag names are ASCII, so latin1 reads them in any ASCII-based charset). */
const ITEM_TAG = /<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]/g;

/** How many items a document that yielded no entry seems to hold: a feed the reader got wrong, not an empty one. */
function itemElements(body: Buffer): number {
  return body.toString("latin1").match(ITEM_TAG)?.length ?? 0;
}

/** A feed entry with a link as a candidate article. */
export function feedCandidate(e: NormalizedEntry & { url: string }, feed: ParsedFeed): Candidate {
  return {
    url: e.url,
    // An untitled entry (a micro-post) is named by the start of its text.
    title: e.title || (e.summaryText ? truncateGraphemes(e.summaryText, UNTITLED_MAX) : "") || e.url,
    description: e.summaryText || null,
    imageUrl: e.imageUrl,
    siteName: feed.title || null,
    author: e.author,
    publishedAt: e.publishedAt ?? e.updatedAt,
    kind: "article",
  };
}

export const feedAdapter: SourceAdapter = {
  async poll(ctx, source) {
    if (!source.url) throw new SourceError("this feed source has no URL");
    return pollFeedDocument(ctx, source.url, source, feedCandidate);
  },
};
