/**
 * Freezing an issue when it goes out (called by the sender after draft → sending): the cards of
 * its items are stored on the issue, so later edits of items or sources never change a sent
 * issue, and its items become "used".
 */
import type { Ctx } from "../context.js";
import { ConflictError, DomainError } from "../errors.js";
import { enqueueThumbnails } from "../items/thumbnail.js";
import type { Item } from "../model/index.js";
import type { IssueRecord, IssueSnapshot } from "../store/issues.js";
import { cardOf, type IssueCard } from "./card.js";

/** DynamoDB's item limit is 400 KB; leave room for the rest of the issue record. */
const MAX_SNAPSHOT_BYTES = 350_000;

const itemIdsOf = (rec: Pick<IssueRecord, "sections">): string[] => [
  ...new Set(rec.sections.flatMap((s) => s.itemIds)),
];

/**
 * The cards of an issue by item id: its snapshot once it has one, else its items as they are now
 * (a draft). An item that no longer exists has no card. A draft's items whose picture was never
 * hosted (added before thumbnails, or whose job was lost) get it queued: the next preview shows it.
 */
export async function cardsOf(ctx: Ctx, rec: IssueRecord): Promise<Map<string, IssueCard>> {
  if (rec.snapshot) return new Map(rec.snapshot.items.map((c) => [c.id, c]));
  const items = await ctx.store.items.getMany(itemIdsOf(rec));
  if (rec.status === "draft") {
    // Best effort: a queue that refuses costs the preview nothing but the pictures.
    await enqueueThumbnails(ctx, [...items.values()]).catch((error: unknown) =>
      ctx.log.warn("could not queue thumbnails", { issue: rec.number, error }),
    );
  }
  return new Map([...items.values()].map((item) => [item.id, cardOf(item)]));
}

/**
 * Stores the cards of the issue's items on the issue, once: a second call (a retried or
 * restarted send) returns the first snapshot unchanged. The issue must have left "draft"
 * (409 otherwise: a draft can still change).
 */
export async function snapshotIssue(ctx: Ctx, issueNumber: number): Promise<IssueSnapshot> {
  const rec = await ctx.store.issues.mustGet(issueNumber);
  if (rec.snapshot) return rec.snapshot;
  if (rec.status === "draft") {
    throw new ConflictError(`issue ${issueNumber} is a draft: it is snapshotted when it starts sending`);
  }
  const cards = await cardsOf(ctx, rec);
  const snapshot: IssueSnapshot = {
    takenAt: ctx.now().toISOString(),
    items: itemIdsOf(rec)
      .map((id) => cards.get(id))
      .filter((c): c is IssueCard => c !== undefined),
  };
  const bytes = Buffer.byteLength(JSON.stringify(snapshot));
  if (bytes > MAX_SNAPSHOT_BYTES) {
    throw new DomainError(
      "too_large",
      `issue ${issueNumber}'s items take ${bytes} bytes, over ${MAX_SNAPSHOT_BYTES}`,
      "too_large",
    );
  }
  return ctx.store.issues.saveSnapshot(issueNumber, snapshot);
}

/**
 * Sets the issue's items to status "used" (their status index keys move with it, through the
 * items store's conditional update). An item the editor rejected meanwhile stays rejected.
 * Returns how many items changed. Safe to repeat.
 */
export async function markItemsUsed(ctx: Ctx, issueNumber: number): Promise<number> {
  const rec = await ctx.store.issues.mustGet(issueNumber);
  const items = await ctx.store.items.getMany(itemIdsOf(rec));
  let changed = 0;
  const markOne = async (item: Item) => {
    let current: Item | undefined = item;
    // The update is conditioned on the status read; an editor's concurrent change means: re-read, retry.
    const usable = (i: Item | undefined): i is Item =>
      i !== undefined && (i.status === "new" || i.status === "selected");
    for (let attempt = 0; usable(current) && attempt < 5; attempt++) {
      if (await ctx.store.items.update(current, { status: "used" })) {
        changed++;
        return;
      }
      current = await ctx.store.items.get(current.id);
    }
  };
  const list = [...items.values()];
  for (let i = 0; i < list.length; i += 10) await Promise.all(list.slice(i, i + 10).map(markOne));
  return changed;
}
