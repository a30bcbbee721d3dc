/**
 * Keeping scores current (items/score.ts says what a score is). A score is written with the item
 * when a poll stores it, and again only when one of its inputs changes: another source links the
 * same URL, the editor sets a source's weight, a sent issue teaches the sources' weights, or a
 * competition's deadline comes near (the poll tick). The listing reads scores through an index
 * (store `itemOrder` pointers), never by scanning.
 */
import type { Ctx } from "../context.js";
import { NotFoundError } from "../errors.js";
import type { Item, ItemStatus } from "../model/index.js";
import type { SourceRecord } from "../store/sources.js";
import { bestWeights, deadlinePart, learnedWeight, type SourceWeights, scoreOf } from "./score.js";

/** Attempts at a conditional score write before giving up (another writer keeps changing the item). */
const MAX_ATTEMPTS = 3;
/** Statuses whose order in a ranked listing the editor still uses. */
const RANKED_STATUSES: readonly ItemStatus[] = ["new", "selected"];

export const weightsOf = (source: Pick<SourceRecord, "rankWeight" | "history">): SourceWeights => ({
  learned: source.history?.learnedWeight ?? 0,
  editor: source.rankWeight ?? 0,
});

const sameScore = (a: Item, b: { score: number; scoreParts: Item["scoreParts"] }) =>
  a.score === b.score && JSON.stringify(a.scoreParts) === JSON.stringify(b.scoreParts);

/**
 * Re-scores one item with its sources' weights (`weights`, by source id; a source it does not know
 * counts as the item's recorded part, else neutral). Conditional on what was read; re-read and
 * retried on a conflict. Returns the item as stored.
 */
export async function rescoreItem(
  ctx: Ctx,
  itemOrId: Item | string,
  weights: (sourceId: string) => SourceWeights | undefined,
): Promise<Item | undefined> {
  let item = typeof itemOrId === "string" ? await ctx.store.items.get(itemOrId) : itemOrId;
  for (let attempt = 0; item && attempt < MAX_ATTEMPTS; attempt++) {
    const known = item;
    const recorded = known.scoreParts;
    const best = bestWeights(
      known.sourceIds,
      (id) => weights(id) ?? (recorded ? { learned: recorded.source, editor: recorded.editor } : undefined),
    );
    const next = scoreOf(known, best, ctx.now());
    if (sameScore(known, next)) return known;
    const stored = await ctx.store.items.update(known, next, ["score"]);
    if (stored) return stored;
    item = await ctx.store.items.get(known.id);
  }
  return item;
}

/** Every item of a listing partition, page by page (at most 100 per page). */
async function* itemsOf(ctx: Ctx, filters: { status: ItemStatus; sourceId?: string; kind?: Item["kind"] }) {
  let cursor: string | undefined;
  do {
    const page = await ctx.store.items.list({ ...filters, limit: 100, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Re-scores the items of one source the editor may still pick (after its weights changed). */
export async function rescoreSource(ctx: Ctx, source: SourceRecord): Promise<number> {
  const w = weightsOf(source);
  let changed = 0;
  for (const status of RANKED_STATUSES) {
    for await (const item of itemsOf(ctx, { status, sourceId: source.id })) {
      const after = await rescoreItem(ctx, item, (id) => (id === source.id ? w : undefined));
      if (after && after.score !== item.score) changed++;
    }
  }
  return changed;
}

/**
 * Moves the deadline part of competitions the editor may still pick to today's value (the one
 * part that changes with time). Run by the poll tick; touches only competitions whose part changed.
 */
export async function refreshDeadlines(ctx: Ctx): Promise<number> {
  const now = ctx.now();
  let changed = 0;
  for (const status of RANKED_STATUSES) {
    for await (const item of itemsOf(ctx, { status, kind: "competition" })) {
      if (item.scoreParts && item.scoreParts.deadline === deadlinePart(item, now)) continue;
      const after = await rescoreItem(ctx, item, () => undefined);
      if (after && after.score !== item.score) changed++;
    }
  }
  return changed;
}

/**
 * Learns each source's weight from the editor's history: of the items it brought that the editor
 * could have picked for a sent issue (used, rejected, or still new but found before the last send),
 * the share that went into one, against that share across all sources. Run when an issue is sent;
 * one COUNT query per status per source (never a scan); the items of a source whose weight moved
 * are re-scored.
 */
export async function learnSourceWeights(
  ctx: Ctx,
  sentAt: string,
): Promise<{ sources: number; rescored: number }> {
  const sources = await ctx.store.sources.list();
  const histories = await Promise.all(
    sources.map(async (s) => {
      const [used, rejected, waiting] = await Promise.all([
        ctx.store.items.count({ status: "used", sourceId: s.id }),
        ctx.store.items.count({ status: "rejected", sourceId: s.id }),
        ctx.store.items.count({ status: "new", sourceId: s.id, to: sentAt }),
      ]);
      return { source: s, used, total: used + rejected + waiting };
    }),
  );
  const allUsed = histories.reduce((n, h) => n + h.used, 0);
  const allTotal = histories.reduce((n, h) => n + h.total, 0);
  const baseline = allTotal > 0 ? allUsed / allTotal : 0;
  let rescored = 0;
  for (const h of histories) {
    const learned = learnedWeight(h, baseline);
    const history = { used: h.used, total: h.total, learnedWeight: learned, at: ctx.now().toISOString() };
    const before = h.source.history?.learnedWeight ?? 0;
    let updated: SourceRecord;
    try {
      updated = await ctx.store.sources.update(h.source.id, { history });
    } catch (e) {
      if (e instanceof NotFoundError) continue; // deleted meanwhile
      throw e;
    }
    if (learned !== before) rescored += await rescoreSource(ctx, updated);
  }
  return { sources: histories.length, rescored };
}
