/**
 * Unfurling (DESIGN.md data flow 5): an item without a picture or description gets them from its
 * page: fetched through the guarded fetcher, decoded by `encoding/`, read by `metadata.ts`. It
 * fills missing fields only, never what the feed gave or the editor set, and runs once per item
 * (`unfurledAt`); a failure is recorded on the item (`unfurlError`), which stays usable.
 *
 * On AWS the unfurl queue's worker calls `unfurlItem`; locally the in-process job runner does.
 */
import type { Ctx } from "../context.js";
import { decodeBody } from "../encoding/index.js";
import { isFetchError } from "../fetch/index.js";
import type { Item } from "../model/index.js";
import type { ItemPatch } from "../store/items.js";
import { FULL_TEXT_MAX, shortDescription, truncateGraphemes } from "../text/index.js";
import { extractMetadata, type PageMetadata } from "./metadata.js";
import { needsUnfurl } from "./unfurl-queue.js";

export const UNFURL_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1";
/** Metadata sits at the top of a page; 2 MiB is plenty and bounds memory and parse time. */
export const UNFURL_MAX_BYTES = 2 * 1024 * 1024;
/** Short: `POST /api/items` waits for it, and a card is not worth a long wait. */
export const UNFURL_TIMEOUT_MS = 10_000;

/** A page we fetched but cannot read metadata from (not HTML). */
export class UnfurlError extends Error {
  override name = "UnfurlError";
}

const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)\b/i;

/** Fetches `url` and reads its card metadata. Throws FetchError (code) or UnfurlError. */
export async function fetchPageMetadata(ctx: Ctx, url: string): Promise<PageMetadata> {
  const res = await ctx.fetch(url, {
    accept: UNFURL_ACCEPT,
    maxBytes: UNFURL_MAX_BYTES,
    timeoutMs: UNFURL_TIMEOUT_MS,
  });
  const type = res.contentType?.split(";")[0]?.trim() ?? "";
  // Servers without a Content-Type, or with text/plain on an HTML page, are sniffed instead.
  if (
    type &&
    !HTML_TYPES.test(type) &&
    !(type.startsWith("text/") && /<(html|head|meta)\b/i.test(res.body.subarray(0, 4096).toString("latin1")))
  ) {
    throw new UnfurlError(`not an HTML page (${type}): ${res.url}`);
  }
  try {
    const { text } = decodeBody(res.body, { contentType: res.contentType, kind: "html" });
    return extractMetadata(text, res.url);
  } catch (err) {
    // A page we cannot read must not cost the editor the item: report it like a fetch failure.
    throw new UnfurlError(`could not read the page ${res.url}: ${(err as Error).message}`);
  }
}

/** What unfurling can tell about a failure, for the editor (`unfurlError`). */
export function describeUnfurlFailure(err: unknown): string | undefined {
  if (isFetchError(err)) return `${err.code}: ${err.message}`;
  if (err instanceof UnfurlError) return err.message;
  return undefined;
}

/** A title that is only a placeholder (a manual link before its page answered, a feed entry without one). */
export const hasPlaceholderTitle = (item: Pick<Item, "title" | "url" | "canonicalUrl">): boolean =>
  item.title.trim() === "" || item.title === item.url || item.title === item.canonicalUrl;

/** A description the page may replace: none, or one that came from the feed (never the editor's). */
const replaceable = (item: Pick<Item, "description" | "descriptionSource">): boolean =>
  !item.description || item.descriptionSource === "feed";

/** The fields unfurling may fill on `item`: only those that are empty (or a placeholder title). */
export function fillPatch(
  item: Item,
  meta: PageMetadata | null,
): { patch: ItemPatch; expect: (keyof Item)[] } {
  const patch: ItemPatch = {};
  const expect: (keyof Item)[] = ["unfurledAt"];
  if (meta) {
    if (meta.title && hasPlaceholderTitle(item)) patch.title = meta.title;
    if (meta.description && replaceable(item)) {
      // The page's own summary, cut for the card; what the feed said stays searchable.
      patch.description = shortDescription(meta.description);
      patch.descriptionSource = "page";
      const longer = [item.fullText ?? item.description, meta.description].filter(Boolean).join("\n");
      patch.fullText = truncateGraphemes(longer, FULL_TEXT_MAX);
      expect.push("description", "descriptionSource");
    }
    if (meta.imageUrl && !item.imageUrl) patch.imageUrl = meta.imageUrl;
    if (meta.siteName && !item.siteName) patch.siteName = meta.siteName;
  }
  for (const k of Object.keys(patch) as (keyof ItemPatch)[]) if (!expect.includes(k)) expect.push(k);
  return { patch, expect };
}

const MAX_ATTEMPTS = 5;

/**
 * Unfurls one item (the unfurl job). Does nothing for an unknown item, one already unfurled or
 * one that lacks nothing. Fetch and parse failures are recorded on the item; database errors
 * are thrown so the queue retries.
 */
export async function unfurlItem(ctx: Ctx, itemId: string): Promise<void> {
  let item = await ctx.store.items.get(itemId);
  if (!item || !needsUnfurl(item)) return;
  let meta: PageMetadata | null = null;
  let error: string | null = null;
  try {
    meta = await fetchPageMetadata(ctx, item.url);
  } catch (err) {
    const described = describeUnfurlFailure(err);
    if (described === undefined) throw err;
    error = described;
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS && item && !item.unfurledAt; attempt++) {
    const { patch, expect } = fillPatch(item, meta);
    const done = await ctx.store.items.update(
      item,
      { ...patch, unfurledAt: ctx.now().toISOString(), unfurlError: error },
      expect,
    );
    if (done) {
      ctx.log.info("item unfurled", { itemId, filled: Object.keys(patch), error });
      return;
    }
    item = await ctx.store.items.get(itemId); // changed meanwhile: fill what is still empty
  }
}
