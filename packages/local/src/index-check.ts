/**
 * Verifies every secondary index of a dynalite folder against the records, and rebuilds what
 * differs. dynalite writes an item's index entries and then the item itself, as separate LevelDB
 * writes; a process killed in between leaves entries that no later write removes (dynalite
 * deletes the entries the stored record implies, and the record never got the new keys):
 *
 * - orphaned: an entry whose record does not exist (a create that never landed);
 * - stale: an entry for a record that exists but no longer implies it (an update that never landed);
 * - missing: an entry the record implies but the index lacks (old entry deleted, new not written);
 * - rewritten: an entry under the right key holding something else than the record.
 *
 * The expected entries are computed by dynalite's own `getIndexActions` (keys and projection as
 * it writes them), and every repair goes in one atomic LevelDB batch: a crash during the repair
 * leaves the folder as it was, and the next start repairs again.
 */
import { hash } from "node:crypto";
import {
  type DynaliteFolder,
  dynaliteKeys,
  type IndexDescription,
  type IndexType,
  type Op,
  prefixes,
  type TableDescription,
} from "./dynalite-folder.js";

export interface IndexReport {
  table: string;
  index: string;
  entries: number;
  orphaned: number;
  stale: number;
  missing: number;
  rewritten: number;
}

export interface CheckResult {
  /** One per index of every table. */
  indexes: IndexReport[];
  /** Records read. */
  records: number;
  /** Entries removed, added or replaced (0: nothing differed). */
  repaired: number;
  ms: number;
}

const digest = (text: string) => hash("sha1", text, "base64");

interface Expected {
  /** The record's key (in the item prefix). */
  recordKey: string;
  digest: string;
  /** The entry's text when the index projects less than the whole record (else read the record). */
  value?: string;
}

/** Compares one index with what the records imply; returns its report and the operations that fix it. */
async function checkIndex(
  folder: DynaliteFolder,
  table: TableDescription,
  type: IndexType,
  index: IndexDescription,
  expected: Map<string, Expected>,
  recordKeys: Set<string>,
): Promise<{ report: IndexReport; ops: Op[] }> {
  const { createKey } = dynaliteKeys();
  const prefix = prefixes.index(type, table.TableName, index.IndexName);
  const report: IndexReport = {
    table: table.TableName,
    index: index.IndexName,
    entries: 0,
    orphaned: 0,
    stale: 0,
    missing: 0,
    rewritten: 0,
  };
  const ops: Op[] = [];
  const seen = new Set<string>();
  const recordValue = async (e: Expected) =>
    e.value ?? ((await folder.get(prefixes.items(table.TableName) + e.recordKey)) as string);

  for await (const [key, value] of folder.entries(prefix)) {
    report.entries++;
    const want = expected.get(key);
    if (want) {
      seen.add(key);
      if (digest(value) !== want.digest) {
        report.rewritten++;
        ops.push({ type: "put", key: prefix + key, value: await recordValue(want) });
      }
      continue;
    }
    let recordKey: string | undefined;
    try {
      recordKey = createKey(JSON.parse(value), table);
    } catch {
      // unreadable: no record can claim it
    }
    if (recordKey !== undefined && recordKeys.has(recordKey)) report.stale++;
    else report.orphaned++;
    ops.push({ type: "del", key: prefix + key });
  }
  for (const [key, want] of expected) {
    if (seen.has(key)) continue;
    report.missing++;
    ops.push({ type: "put", key: prefix + key, value: await recordValue(want) });
  }
  return { report, ops };
}

/** Checks one table: reads its records once, then each index. */
async function checkTable(folder: DynaliteFolder, table: TableDescription) {
  const { createKey, getIndexActions } = dynaliteKeys();
  const indexes: [IndexType, IndexDescription][] = [
    ...(table.GlobalSecondaryIndexes ?? []).map((i): [IndexType, IndexDescription] => ["global", i]),
    ...(table.LocalSecondaryIndexes ?? []).map((i): [IndexType, IndexDescription] => ["local", i]),
  ];
  const expected = new Map(indexes.map(([, i]) => [i.IndexName, new Map<string, Expected>()]));
  const recordKeys = new Set<string>();
  let records = 0;
  for await (const [recordKey, value] of folder.entries(prefixes.items(table.TableName))) {
    records++;
    recordKeys.add(recordKey);
    const item = JSON.parse(value);
    if (createKey(item, table) !== recordKey) continue; // not dynalite's own layout: leave it
    const whole = digest(value);
    for (const type of ["global", "local"] as const) {
      const list = type === "global" ? table.GlobalSecondaryIndexes : table.LocalSecondaryIndexes;
      if (!list?.length) continue;
      for (const put of getIndexActions(list, null, item, table).puts) {
        // an ALL projection stores the record itself, as the same JSON text
        if (put.item === item) expected.get(put.index)?.set(put.key, { recordKey, digest: whole });
        else {
          const value = JSON.stringify(put.item);
          expected.get(put.index)?.set(put.key, { recordKey, digest: digest(value), value });
        }
      }
    }
  }
  const reports: IndexReport[] = [];
  const ops: Op[] = [];
  for (const [type, index] of indexes) {
    const r = await checkIndex(folder, table, type, index, expected.get(index.IndexName)!, recordKeys);
    reports.push(r.report);
    ops.push(...r.ops);
  }
  return { reports, ops, records };
}

/** Checks every index of every table in the folder; with `repair`, writes the fixes. */
export async function checkIndexes(folder: DynaliteFolder, opts: { repair: boolean }): Promise<CheckResult> {
  const started = performance.now();
  const result: CheckResult = { indexes: [], records: 0, repaired: 0, ms: 0 };
  const ops: Op[] = [];
  for (const table of await folder.tables()) {
    const t = await checkTable(folder, table);
    result.indexes.push(...t.reports);
    result.records += t.records;
    ops.push(...t.ops);
  }
  result.repaired = ops.length;
  if (opts.repair) await folder.write(ops);
  result.ms = Math.round(performance.now() - started);
  return result;
}
