/**
 * Which items need their picture hosted, and queueing that work (the unfurl job does it:
 * host-thumbnail.ts). Free of the image library, so the API can import it.
 */
import type { Ctx } from "../context.js";
import type { Item } from "../model/index.js";

/** Whether the item has a picture we have not tried to host yet. */
export const needsThumbnail = (item: Pick<Item, "imageUrl" | "thumbnailAt">): boolean =>
  !!item.imageUrl && !item.thumbnailAt;

/** Queues the thumbnail step for the items that have a picture not yet hosted; returns how many. */
export async function enqueueThumbnails(
  ctx: Ctx,
  items: readonly Pick<Item, "id" | "imageUrl" | "thumbnailAt">[],
): Promise<number> {
  const ids = [...new Set(items.filter(needsThumbnail).map((i) => i.id))];
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(ids.slice(i, i + 10).map((itemId) => ctx.jobs.enqueue("unfurl", { itemId })));
  }
  return ids.length;
}
