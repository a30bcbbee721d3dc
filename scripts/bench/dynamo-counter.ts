/**
 * Counts the DynamoDB requests a piece of code makes, on the real SDK's middleware stack (nothing
 * is faked): per operation, reads and writes, the item records written, the items read, and the
 * size of each request body. Added to a document client, it sees the low-level command each
 * document command becomes (`PutItemCommand`, `QueryCommand`, ...).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);
const READS = new Set(["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);

/** Partition keys named in a request, in either marshalled (`{"S": ...}`) or document form. */
const PK = /"pk":(?:\{"S":)?"([^"]+)"/g;
/** An item's place in a ranked or deadline listing (store/keys.ts `itemOrder`): its index entry. */
const ORDER_SK = /"sk":(?:\{"S":)?"ORDER#/g;

export interface RequestCounts {
  /** Requests per operation (`PutItem`, `Query`, ...). */
  byOperation: Record<string, number>;
  reads: number;
  writes: number;
  /** Item records (`ITEM#...` partitions) written or deleted, counting each record of a batch. */
  itemWrites: number;
  /** Of those, order pointers (the ranking's index entries beside an item), counted apart. */
  orderWrites: number;
  /** Items read: Query/Scan ScannedCount, BatchGetItem responses, a GetItem hit. */
  itemsRead: number;
  /** Request body bytes per operation, summed (for "a small update"). */
  bytesByOperation: Record<string, number>;
}

export interface DynamoCounter {
  /** Counts since creation or the last `reset()`. */
  counts(): RequestCounts;
  reset(): void;
}

const empty = (): RequestCounts => ({
  byOperation: {},
  reads: 0,
  writes: 0,
  itemWrites: 0,
  orderWrites: 0,
  itemsRead: 0,
  bytesByOperation: {},
});

const operationOf = (commandName: string | undefined) => (commandName ?? "?").replace(/Command$/, "");

function itemsReadBy(op: string, output: Record<string, unknown>): number {
  if (op === "Query" || op === "Scan") return Number(output.ScannedCount ?? 0);
  if (op === "GetItem") return output.Item ? 1 : 0;
  if (op === "BatchGetItem") {
    const responses = (output.Responses ?? {}) as Record<string, unknown[]>;
    return Object.values(responses).reduce((n, rows) => n + rows.length, 0);
  }
  return 0;
}

let counters = 0;

export function countDynamo(doc: DynamoDBDocumentClient): DynamoCounter {
  let c = empty();
  const id = ++counters;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const op = operationOf(context.commandName);
      const out = await next(args);
      c.byOperation[op] = (c.byOperation[op] ?? 0) + 1;
      if (READS.has(op)) c.reads++;
      if (WRITES.has(op)) {
        c.writes++;
        const body = JSON.stringify(args.input ?? {});
        const pks = [...body.matchAll(PK)].map((m) => m[1]!);
        const orders = [...body.matchAll(ORDER_SK)].length;
        c.itemWrites += pks.filter((pk) => pk.startsWith("ITEM#")).length - orders;
        c.orderWrites += orders;
      }
      c.itemsRead += itemsReadBy(op, out.output as Record<string, unknown>);
      return out;
    },
    { step: "initialize", name: `benchCountRequests${id}` },
  );
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const op = operationOf(context.commandName);
      const body = (args.request as { body?: { length?: number } }).body;
      c.bytesByOperation[op] = (c.bytesByOperation[op] ?? 0) + Number(body?.length ?? 0);
      return next(args);
    },
    { step: "finalizeRequest", name: `benchCountBytes${id}` },
  );
  return {
    counts: () => structuredClone(c),
    reset: () => {
      c = empty();
    },
  };
}
