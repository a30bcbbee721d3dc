/**
 * RSS 2.0 / Atom / RDF / JSON Feed sources: a conditional GET with the stored validators, then
 * the feed parser. Entries without a usable link cannot become items (an item is its URL): they
 * are skipped and counted, and the count is shown on the source.
 */
import { parseFeed } from "../../feed/index.js";
import { truncateGraphemes } from "../../items/text.js";
import type { Candidate, SourceAdapter } from "./types.js";
import { SourceError } from "./types.js";

/** What a feed reader accepts: the feed types first, then what servers often label feeds with. */
export const FEED_ACCEPT =
  "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

const UNTITLED_MAX = 120;

export const feedAdapter: SourceAdapter = {
  async poll(ctx, source) {
    if (!source.url) throw new SourceError("this feed source has no URL");
    const res = await ctx.fetch(source.url, {
      accept: FEED_ACCEPT,
      etag: source.etag,
      lastModified: source.lastModified,
    });
    const validators = { etag: res.etag, lastModified: res.lastModified };
    if (res.notModified) return { notModified: true, validators, maxAgeSeconds: res.maxAgeSeconds };
    const feed = parseFeed({ body: res.body, contentType: res.contentType, url: res.url });
    const entries: Candidate[] = [];
    let skipped = 0;
    for (const e of feed.entries) {
      if (!e.url) {
        skipped++;
        continue;
      }
      entries.push({
        url: e.url,
        // An untitled entry (a micro-post) is named by the start of its text.
        title: e.title || (e.summaryText ? truncateGraphemes(e.summaryText, UNTITLED_MAX) : "") || e.url,
        description: e.summaryText || null,
        imageUrl: e.imageUrl,
        siteName: feed.title || null,
        author: e.author,
        publishedAt: e.publishedAt ?? e.updatedAt,
        kind: "article",
      });
    }
    return { notModified: false, entries, validators, maxAgeSeconds: res.maxAgeSeconds, skipped };
  },
};
