import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./client.js";

/** Runs a Query to the end, following LastEvaluatedKey. For small partitions only (sources, deliveries). */
export async function queryAll(
  db: Db,
  input: Omit<ConstructorParameters<typeof QueryCommand>[0], "TableName">,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.doc.send(
      new QueryCommand({ TableName: db.table, ...input, ExclusiveStartKey: start }),
    );
    out.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

export interface Page<T> {
  items: T[];
  lastKey: Record<string, unknown> | undefined;
}

/**
 * One page of a Query on an index, newest first. With a FilterExpression DynamoDB may return
 * fewer than `limit` matches per request, so this keeps reading, up to `maxReads` requests,
 * and stops exactly at the last returned match so the next page resumes after it.
 */
export async function queryPage(
  db: Db,
  input: Omit<ConstructorParameters<typeof QueryCommand>[0], "TableName" | "Limit" | "ExclusiveStartKey">,
  opts: {
    limit: number;
    start?: Record<string, unknown>;
    maxReads?: number;
    keyOf: (item: Record<string, unknown>) => Record<string, unknown>;
  },
): Promise<Page<Record<string, unknown>>> {
  const items: Record<string, unknown>[] = [];
  let start = opts.start;
  let reads = 0;
  const maxReads = opts.maxReads ?? 10;
  while (items.length < opts.limit && reads < maxReads) {
    reads++;
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        ...input,
        ScanIndexForward: input.ScanIndexForward ?? false,
        Limit: input.FilterExpression ? Math.max(opts.limit * 2, 50) : opts.limit - items.length + 1,
        ExclusiveStartKey: start,
      }),
    );
    const got = (r.Items ?? []) as Record<string, unknown>[];
    for (const it of got) {
      if (items.length === opts.limit) {
        // More matches exist beyond this page: resume after the last one we return.
        return { items, lastKey: opts.keyOf(items[items.length - 1]!) };
      }
      items.push(it);
    }
    start = r.LastEvaluatedKey;
    if (!start) return { items, lastKey: undefined };
  }
  if (items.length === 0) return { items, lastKey: start };
  return { items, lastKey: items.length === opts.limit ? opts.keyOf(items[items.length - 1]!) : start };
}

/**
 * How many entries a Query matches (`Select: COUNT`), following LastEvaluatedKey. DynamoDB still
 * reads every entry of the key range to count it: each request reads up to 1 MB and bills it as
 * any read (a GSI read is eventually consistent: 0.5 read unit per 4 KB), so the cost grows with
 * the partition, not with the answer. A FilterExpression is applied after the read (`Count` is
 * what passed it): it narrows the answer, never the cost.
 */
export async function countQuery(
  db: Db,
  input: Omit<ConstructorParameters<typeof QueryCommand>[0], "TableName" | "Select" | "ExclusiveStartKey">,
): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.doc.send(
      new QueryCommand({ TableName: db.table, ...input, Select: "COUNT", ExclusiveStartKey: start }),
    );
    n += r.Count ?? 0;
    start = r.LastEvaluatedKey;
  } while (start);
  return n;
}
