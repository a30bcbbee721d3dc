import { PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./client.js";
import { conditionally } from "./conditional.js";
import { WRITE_TOKEN } from "./write-token.js";

/**
 * Stores a record unless one with its key exists; false (and no write) when it does. With a
 * `token` (write-token.ts) the record carries it, and finding it already stored by this very call
 * (a retry after a lost answer) counts as made.
 */
export async function putIfAbsent(db: Db, item: Record<string, unknown>, token?: string): Promise<boolean> {
  return conditionally(
    db.doc.send(
      new PutCommand({
        TableName: db.table,
        ...(token === undefined
          ? { Item: item, ConditionExpression: "attribute_not_exists(pk)" }
          : {
              Item: { ...item, [WRITE_TOKEN]: token },
              ConditionExpression: "attribute_not_exists(pk) OR #tok = :tok",
              ExpressionAttributeNames: { "#tok": WRITE_TOKEN },
              ExpressionAttributeValues: { ":tok": token },
            }),
      }),
    ),
  );
}

/** Records per transaction: a feed page's new entries in one request, well inside the 4 MB limit. */
export const TRANSACTION_RECORDS = 25;

/** One action of a TransactWriteItems (built by the repositories, e.g. sources `updateAction`). */
export type TransactAction = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * What `putAllIfAbsent` did: wrote everything, or nothing. When nothing, `existing` holds the
 * positions (in `records`) of the records that exist, as DynamoDB's cancellation reasons tell
 * them; undefined when the reasons say something else (a concurrent transaction on one of them,
 * an `also` action's own condition): the caller then decides record by record.
 */
export type PutAllOutcome = { written: true } | { written: false; existing?: number[] };

/**
 * Stores all of `records` or none, each unless one with its key exists, in one TransactWriteItems
 * (2 write units per record instead of 1, one request instead of one per record). At most
 * `TRANSACTION_RECORDS` records. `also`: further actions on other records that go with them, all
 * or none (a poll's source state).
 */
export async function putAllIfAbsent(
  db: Db,
  records: Record<string, unknown>[],
  also: TransactAction[] = [],
): Promise<PutAllOutcome> {
  if (records.length > TRANSACTION_RECORDS)
    throw new Error(`putAllIfAbsent takes at most ${TRANSACTION_RECORDS} records, got ${records.length}`);
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          ...records.map((Item) => ({
            Put: { TableName: db.table, Item, ConditionExpression: "attribute_not_exists(pk)" },
          })),
          ...also,
        ],
      }),
    );
    return { written: true };
  } catch (e) {
    if ((e as { name?: string } | null)?.name !== "TransactionCanceledException") throw e;
    return { written: false, existing: existingOf(e, records.length) };
  }
}

/** The records a cancellation names as existing, if that is all it names (see `PutAllOutcome`). */
function existingOf(e: unknown, records: number): number[] | undefined {
  const codes = ((e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
    (r) => r.Code ?? "None",
  );
  const existing: number[] = [];
  for (const [i, code] of codes.entries()) {
    if (code === "None") continue;
    if (code !== "ConditionalCheckFailed" || i >= records) return undefined;
    existing.push(i);
  }
  return existing.length > 0 ? existing : undefined;
}
