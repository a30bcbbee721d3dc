/**
 * Test helper, not product code: compares every GSI of the table, read raw through the DynamoDB
 * API (Scan on the index), with what the records (Scan on the table) imply: the same entries under
 * the same keys with the same content. Independent of index-check.ts, which reads LevelDB.
 */
import { isDeepStrictEqual } from "node:util";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "@wkn/core/store";
import { GSI_NAMES, tableDefinition } from "@wkn/core/store";

type Rec = Record<string, unknown>;

export async function scanAll(db: Db, indexName?: string): Promise<Rec[]> {
  const out: Rec[] = [];
  let start: Rec | undefined;
  do {
    const r = await db.doc.send(
      new ScanCommand({ TableName: db.table, IndexName: indexName, ExclusiveStartKey: start }),
    );
    out.push(...((r.Items ?? []) as Rec[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

const entryKey = (index: string, r: Rec) => JSON.stringify([r[`${index}pk`], r[`${index}sk`], r.pk, r.sk]);

/** What an entry of `index` holds of its record: everything, or its keys and included attributes. */
function projectionOf(index: string): (r: Rec) => Rec {
  const p = tableDefinition("audit").GlobalSecondaryIndexes?.find((g) => g.IndexName === index)?.Projection;
  if (!p || p.ProjectionType === "ALL") return (r) => r;
  const keep = ["pk", "sk", `${index}pk`, `${index}sk`, ...(p.NonKeyAttributes ?? [])];
  return (r) => Object.fromEntries(keep.filter((k) => k in r).map((k) => [k, r[k]]));
}

/** Differences per index, as readable lines (empty: every index agrees with the records). */
export async function auditIndexes(db: Db): Promise<string[]> {
  const records = await scanAll(db);
  const problems: string[] = [];
  for (const index of GSI_NAMES) {
    const project = projectionOf(index);
    const want = new Map(
      records
        .filter((r) => typeof r[`${index}pk`] === "string" && typeof r[`${index}sk`] === "string")
        .map((r) => [entryKey(index, r), r]),
    );
    const seen = new Set<string>();
    for (const e of await scanAll(db, index)) {
      const k = entryKey(index, e);
      const r = want.get(k);
      if (!r) problems.push(`${index}: entry without a record behind it: ${k}`);
      else if (!isDeepStrictEqual(e, project(r)))
        problems.push(`${index}: entry differs from its record: ${k}`);
      if (seen.has(k)) problems.push(`${index}: entry twice: ${k}`);
      seen.add(k);
    }
    for (const k of want.keys())
      if (!seen.has(k)) problems.push(`${index}: record missing from the index: ${k}`);
  }
  return problems;
}
