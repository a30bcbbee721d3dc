/**
 * The candidates list's moves, kept pure so they are tested without a browser: a status change
 * (the card leaves the list or shows its new status), putting cards back (rollback and undo),
 * the per-status counts, and a small concurrency limit for bulk changes. Every function returns new
 * arrays and objects.
 */
import type { Item, ItemCounts, ItemStatus } from "../types.js";

/** The list's order: newest first by publishedAt, else discoveredAt. */
export const sortDate = (i: Pick<Item, "publishedAt" | "discoveredAt">) => i.publishedAt ?? i.discoveredAt;

/** The items that change: shown, not already `to`, and not `used` (a used item keeps its status). */
export function changeable(items: readonly Item[], ids: readonly string[], to: ItemStatus): Item[] {
  const wanted = new Set(ids);
  return items.filter((i) => wanted.has(i.id) && i.status !== to && i.status !== "used");
}

/**
 * `items` after giving `changed` the status `to`: with `leave` the cards go (the `new` tab: they
 * no longer belong there), otherwise they stay and show the new status.
 */
export function withStatus(
  items: readonly Item[],
  changed: readonly Item[],
  to: ItemStatus,
  leave: boolean,
): Item[] {
  const ids = new Set(changed.map((i) => i.id));
  if (leave) return items.filter((i) => !ids.has(i.id));
  return items.map((i) => (ids.has(i.id) ? { ...i, status: to } : i));
}

/** `list` with `item` where its date puts it (newest first; after items of the same date). */
export function insertByDate(list: readonly Item[], item: Item): Item[] {
  const d = sortDate(item);
  const at = list.findIndex((i) => sortDate(i) < d);
  const out = [...list];
  out.splice(at < 0 ? out.length : at, 0, item);
  return out;
}

/**
 * `items` with the statuses of `before` put back: a shown card gets its old status (and keeps
 * whatever else changed since, a comment say); a card that left is inserted by date if `reinsert`
 * (the list it left is the one on screen), else left out.
 */
export function restore(items: readonly Item[], before: readonly Item[], reinsert: boolean): Item[] {
  let out = [...items];
  for (const b of before) {
    const at = out.findIndex((i) => i.id === b.id);
    if (at >= 0) out[at] = { ...out[at]!, status: b.status };
    else if (reinsert) out = insertByDate(out, b);
  }
  return out;
}

/** Counts after items moved from their statuses to `to` (never below zero). */
export function moveCounts(counts: ItemCounts, from: readonly ItemStatus[], to: ItemStatus): ItemCounts {
  const out = { ...counts };
  for (const s of from) {
    if (s === to) continue;
    out[s] = Math.max(0, (out[s] ?? 0) - 1);
    out[to] = (out[to] ?? 0) + 1;
  }
  return out;
}

/** Runs `f` over `list` with at most `limit` at once; every outcome is kept, in order. */
export async function settleLimit<T, R>(
  list: readonly T[],
  limit: number,
  f: (x: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      try {
        out[i] = { status: "fulfilled", value: await f(list[i] as T) };
      } catch (reason) {
        out[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return out;
}
