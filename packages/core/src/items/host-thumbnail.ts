/**
 * Hosting an item's picture (issue 12): its `imageUrl` is fetched through the guarded fetcher, made
 * a 280×280 JPEG by `media/thumbnail.ts`, and stored content-addressed in `ctx.media`; the item
 * records the key (`thumbnail`) or, when the picture could not be had, why (`thumbnailError`).
 * Mail, archive and feed show only our copy, so no reader's client ever asks a publisher for it.
 *
 * Runs in the unfurl job (after the page's metadata), which on AWS is the only function that
 * carries the image library: the API enqueues, never decodes.
 */
import type { Ctx } from "../context.js";
import { describeThumbnailFailure, fetchImage } from "../media/fetch-image.js";
import { makeThumbnail } from "../media/thumbnail.js";
import { needsThumbnail } from "./thumbnail.js";

const MAX_ATTEMPTS = 5;

async function thumbnailOf(
  ctx: Ctx,
  url: string,
): Promise<{ thumbnail: string | null; error: string | null }> {
  try {
    const made = await makeThumbnail(await fetchImage(ctx, url));
    await ctx.media.put(made.key, made.bytes, "image/jpeg");
    return { thumbnail: made.key, error: null };
  } catch (err) {
    const described = describeThumbnailFailure(err);
    if (described === undefined) throw err;
    return { thumbnail: null, error: described };
  }
}

/**
 * Hosts `item`'s picture once. Fetch and image failures are recorded on the item; database and
 * storage errors are thrown so the job is retried. An `imageUrl` changed meanwhile (the editor's
 * PATCH) wins: the result for the old URL is dropped, the new one is done next.
 */
export async function hostThumbnail(ctx: Ctx, itemId: string): Promise<void> {
  // The outcome per URL: a retry after a concurrent change (a status, another field) does not fetch again.
  const outcomes = new Map<string, { thumbnail: string | null; error: string | null }>();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const item = await ctx.store.items.get(itemId);
    if (!item || !needsThumbnail(item)) return;
    const url = item.imageUrl!;
    let outcome = outcomes.get(url);
    if (!outcome) {
      outcome = await thumbnailOf(ctx, url);
      outcomes.set(url, outcome);
    }
    const { thumbnail, error } = outcome;
    const done = await ctx.store.items.update(
      item,
      { thumbnail, thumbnailAt: ctx.now().toISOString(), thumbnailError: error },
      ["imageUrl", "thumbnailAt"],
    );
    if (done) {
      ctx.log.info("item thumbnail", { itemId, thumbnail, error });
      return;
    }
  }
}
