/**
 * Brings a database folder written by an older version up to today's table definition, before
 * dynalite opens it (dynalite ignores indexes added to an existing table). Today that is the
 * ranking's move onto the item record: indexes gsi4 and gsi5 are added to the table's description,
 * every item record gets its place in them (an unscored one ranks as 0) (`keys.itemRank`), and the score pointer records
 * it replaces are removed. The index check that follows (index-check.ts) then writes the new
 * indexes' entries and drops the removed records' ones. All of a table's changes go in one atomic
 * LevelDB write, so a crash leaves the folder as it was and the next start migrates again.
 */
import { keys, scoreSortKey } from "@wkn/core/store/keys";
import { tableDefinition } from "@wkn/core/store/table";
import { type DynaliteFolder, type IndexDescription, type Op, prefixes } from "./dynalite-folder.js";

export interface Migration {
  table: string;
  addedIndexes: string[];
  rankedItems: number;
  removedPointers: number;
}

type Attr = { S?: string; N?: string };

/** The description dynalite keeps for an index it created (actions/createTable.js). */
function indexDescription(table: string, index: IndexDescription): IndexDescription {
  return {
    ...index,
    IndexArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${table}/index/${index.IndexName}`,
    IndexSizeBytes: 0,
    ItemCount: 0,
    IndexStatus: "ACTIVE",
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
  } as IndexDescription;
}

/** Migrates every table of the folder that lacks an index of today's definition; [] when none did. */
export async function migrateFolder(folder: DynaliteFolder): Promise<Migration[]> {
  const out: Migration[] = [];
  for (const table of await folder.tables()) {
    const def = tableDefinition(table.TableName);
    const have = new Set((table.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    const missing = (def.GlobalSecondaryIndexes ?? []).filter((g) => !have.has(g.IndexName!));
    if (missing.length === 0) continue;
    const attributes = new Set(table.AttributeDefinitions.map((a) => a.AttributeName));
    const described = {
      ...table,
      AttributeDefinitions: [
        ...table.AttributeDefinitions,
        ...(def.AttributeDefinitions ?? []).filter((a) => !attributes.has(a.AttributeName!)),
      ],
      GlobalSecondaryIndexes: [
        ...(table.GlobalSecondaryIndexes ?? []),
        ...missing.map((g) => indexDescription(table.TableName, g as IndexDescription)),
      ],
    };
    const ops: Op[] = [
      { type: "put", key: prefixes.table + table.TableName, value: JSON.stringify(described) },
    ];
    const migration: Migration = {
      table: table.TableName,
      addedIndexes: missing.map((g) => g.IndexName!),
      rankedItems: 0,
      removedPointers: 0,
    };
    const itemsPrefix = prefixes.items(table.TableName);
    for await (const [key, value] of folder.entries(itemsPrefix)) {
      const record = JSON.parse(value) as Record<string, Attr>;
      const sk = record.sk?.S;
      if (sk === "ORDER#score") {
        ops.push({ type: "del", key: itemsPrefix + key });
        migration.removedPointers++;
      } else if (sk === "ITEM" && !record.gsi4pk) {
        const id = String(record.id?.S);
        const rank = keys.itemRank(
          id,
          String(record.status?.S),
          String(record.kind?.S),
          scoreSortKey(Number(record.score?.N ?? 0)),
        );
        const ranked = {
          ...record,
          ...Object.fromEntries(Object.entries(rank).map(([k, v]) => [k, { S: v }])),
        };
        ops.push({ type: "put", key: itemsPrefix + key, value: JSON.stringify(ranked) });
        migration.rankedItems++;
      }
    }
    await folder.write(ops);
    out.push(migration);
  }
  return out;
}
