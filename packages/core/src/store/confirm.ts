/**
 * An index entry is shown only when its record agrees with it. dynalite writes an item's index
 * entries before the item itself (separate LevelDB writes), so a process killed in between leaves
 * entries with no record behind them, or with keys the record no longer has; on AWS a GSI lags its
 * table for a moment. Listings therefore read the records behind a page (one strongly consistent
 * BatchGetItem per 100 entries) and keep an entry only when its record exists with the same index
 * keys, handing back the record (the source of truth) in the index's order.
 */
import { batchGetAll } from "./batch.js";
import type { Db } from "./client.js";
import type { Key } from "./keys.js";
import type { GsiName } from "./table.js";

type Rec = Record<string, unknown>;

const idOf = (r: { pk: unknown; sk: unknown }) => `${String(r.pk)}\u0000${String(r.sk)}`;

/** The records at `keys` (deduplicated), by `pk`/`sk`; absent ones are missing from the map. */
export async function recordsAt(
  db: Db,
  keys: Key[],
  attributes?: readonly string[],
): Promise<Map<string, Rec>> {
  const unique = [...new Map(keys.map((k) => [idOf(k), k])).values()];
  if (unique.length === 0) return new Map();
  const found = await batchGetAll(db, unique, { consistent: true, attributes });
  return new Map(found.map((r) => [idOf(r as { pk: unknown; sk: unknown }), r]));
}

/** The record of `entry` (read by `recordsAt`), if any. */
export const recordOf = (records: Map<string, Rec>, entry: { pk: unknown; sk: unknown }): Rec | undefined =>
  records.get(idOf(entry));

/** Whether a record still carries the index keys an entry was found under. */
export const agrees = (index: GsiName, entry: Rec, record: Rec): boolean =>
  record[`${index}pk`] === entry[`${index}pk`] && record[`${index}sk`] === entry[`${index}sk`];

/**
 * The records behind `entries` (a page of a Query on `index`) that exist and agree with their
 * entry, in the entries' order. `attributes` limits what is read (the keys always are).
 */
export async function confirmEntries(
  db: Db,
  index: GsiName,
  entries: Rec[],
  attributes?: readonly string[],
): Promise<Rec[]> {
  const keys = entries.map((e) => ({ pk: String(e.pk), sk: String(e.sk) }));
  const records = await recordsAt(db, keys, attributes && [...attributes, `${index}pk`, `${index}sk`]);
  const out: Rec[] = [];
  for (const e of entries) {
    const r = recordOf(records, e as { pk: unknown; sk: unknown });
    if (r && agrees(index, e, r)) out.push(r);
  }
  return out;
}
