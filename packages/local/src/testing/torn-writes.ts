/**
 * Test helper, not product code: leaves a dynalite folder (dynalite not running on it) as a
 * process killed between dynalite's two writes would. dynalite's put/update/delete first moves
 * the record's index entries (`updateIndexes`: old ones deleted, new ones written) and then writes
 * the record; these write only the first half.
 */
import { marshall } from "@aws-sdk/util-dynamodb";
import { dynaliteKeys, type Op, openDynaliteFolder, prefixes } from "../dynalite-folder.js";

type Doc = Record<string, unknown>;

async function tear(path: string, tableName: string, key: Doc, next: Doc | null): Promise<void> {
  const { createKey, getIndexActions } = dynaliteKeys();
  const folder = await openDynaliteFolder(path);
  try {
    const table = (await folder.tables()).find((t) => t.TableName === tableName);
    if (!table) throw new Error(`no table ${tableName} in ${path}`);
    const recordKey = prefixes.items(tableName) + createKey(marshall(key), table);
    const stored = await folder.get(recordKey);
    const existing = stored ? JSON.parse(stored) : null;
    const item = next ? marshall(next, { removeUndefinedValues: true }) : null;
    const ops: Op[] = [];
    for (const type of ["global", "local"] as const) {
      const list = type === "global" ? table.GlobalSecondaryIndexes : table.LocalSecondaryIndexes;
      if (!list?.length) continue;
      const actions = getIndexActions(list, existing, item, table);
      for (const d of actions.deletes)
        ops.push({ type: "del", key: prefixes.index(type, tableName, d.index) + d.key });
      for (const p of actions.puts)
        ops.push({
          type: "put",
          key: prefixes.index(type, tableName, p.index) + p.key,
          value: JSON.stringify(p.item),
        });
    }
    await folder.write(ops);
  } finally {
    await folder.close();
  }
}

/** A put of `record` (a whole stored record, keys included) cut before the record was written. */
export const tornPut = (path: string, tableName: string, record: Doc) =>
  tear(path, tableName, { pk: record.pk, sk: record.sk }, record);

/** A delete cut before the record was removed: its index entries are gone, the record stays. */
export const tornDelete = (path: string, tableName: string, key: { pk: string; sk: string }) =>
  tear(path, tableName, key, null);
