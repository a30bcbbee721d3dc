/**
 * The unfurl job: an item's page metadata (once), then its hosted thumbnail (once per picture).
 * One job kind serves both, so every path that gives an item a picture (a poll, an editor's link,
 * an editor's new `imageUrl`, a draft preview of older items) only has to enqueue "unfurl".
 */
import type { Ctx } from "../context.js";
import { hostThumbnail } from "./host-thumbnail.js";
import { unfurlItem } from "./unfurl.js";

export async function enrichItem(ctx: Ctx, itemId: string): Promise<void> {
  await unfurlItem(ctx, itemId);
  await hostThumbnail(ctx, itemId);
}
