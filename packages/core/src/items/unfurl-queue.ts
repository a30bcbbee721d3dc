/**
 * Which items need unfurling, and queuing them: all the poller needs of unfurling. Apart from
 * unfurl.ts so the poll worker never loads the page reader (charset detection, metadata).
 */
import type { Ctx } from "../context.js";
import type { Item } from "../model/index.js";

/**
 * Whether an item should be unfurled: not yet tried. Every item is, once: the page's short
 * og:description makes a better card than the start of a feed's article body (issue 12).
 */
export const needsUnfurl = (item: Pick<Item, "unfurledAt">): boolean => !item.unfurledAt;

/**
 * Queues unfurling for the items that need it (missing picture or description, never tried).
 * The poller calls this after storing new candidates; returns how many were queued.
 */
export async function enqueueUnfurl(
  ctx: Ctx,
  items: readonly Pick<Item, "id" | "unfurledAt">[],
): Promise<number> {
  const ids = [...new Set(items.filter(needsUnfurl).map((i) => i.id))];
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(ids.slice(i, i + 10).map((itemId) => ctx.jobs.enqueue("unfurl", { itemId })));
  }
  return ids.length;
}
