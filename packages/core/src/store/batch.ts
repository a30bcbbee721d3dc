/**
 * Batched reads and writes with the retries DynamoDB asks for: BatchWriteItem takes 25 requests,
 * BatchGetItem 100 keys, and either may hand back unprocessed work under load, which is resent
 * with a short backoff until done. Neither can carry conditions: callers check first.
 */
import { BatchGetCommand, BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./client.js";
import type { Key } from "./keys.js";

const WRITE_BATCH = 25;
const GET_BATCH = 100;
const MAX_ROUNDS = 10;

const pause = (round: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** round)));

function chunks<T>(all: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.slice(i, i + size));
  return out;
}

/** Puts every record (unconditionally), 25 per request, resending unprocessed ones. */
export async function batchPutAll(db: Db, records: Record<string, unknown>[]): Promise<void> {
  for (const chunk of chunks(records, WRITE_BATCH)) {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`BatchWriteItem left ${requests.length} records unprocessed`);
      if (round > 0) await pause(round);
      const r = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.table]: requests } }));
      requests = (r.UnprocessedItems?.[db.table] ?? []) as typeof requests;
    }
  }
}

export interface BatchGetOptions {
  /** Strongly consistent reads (twice the read units on AWS). */
  consistent?: boolean;
  /** Only these attributes (the keys are always read). */
  attributes?: readonly string[];
}

/** Reads records by key, 100 per request, resending unprocessed keys. Missing keys are absent. */
export async function batchGetAll(
  db: Db,
  keyList: Key[],
  opts: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const attributes = opts.attributes ? [...new Set(["pk", "sk", ...opts.attributes])] : undefined;
  const shape = {
    ...(opts.consistent ? { ConsistentRead: true } : {}),
    ...(attributes
      ? {
          ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(", "),
          ExpressionAttributeNames: Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a])),
        }
      : {}),
  };
  for (const chunk of chunks(keyList, GET_BATCH)) {
    let pending: Record<string, unknown>[] = chunk.map((k) => ({ pk: k.pk, sk: k.sk }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (round > 0) await pause(round);
      const r = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [db.table]: { Keys: pending, ...shape } } }),
      );
      out.push(...((r.Responses?.[db.table] ?? []) as Record<string, unknown>[]));
      pending = (r.UnprocessedKeys?.[db.table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return out;
}
