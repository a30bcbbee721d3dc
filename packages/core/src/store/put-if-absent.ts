import { PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors.js";
import type { Db } from "./client.js";

/** Stores a record unless one with its key exists; false (and no write) when it does. */
export async function putIfAbsent(db: Db, item: Record<string, unknown>): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({ TableName: db.table, Item: item, ConditionExpression: "attribute_not_exists(pk)" }),
    );
    return true;
  } catch (e) {
    if (isConditionalCheckFailed(e)) return false;
    throw e;
  }
}

/** Records per transaction: a feed page's new entries in one request, well inside the 4 MB limit. */
export const TRANSACTION_RECORDS = 25;

/** One action of a TransactWriteItems (built by the repositories, e.g. sources `updateAction`). */
export type TransactAction = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * Stores all of `records` or none, each unless one with its key exists, in one TransactWriteItems
 * (2 write units per record instead of 1, one request instead of one per record). False, with
 * nothing written, when one exists or another transaction touched one of them at the same moment:
 * the caller then decides record by record. At most `TRANSACTION_RECORDS` records. `also`: further
 * actions on other records that go with them, all or none (a poll's source state).
 */
export async function putAllIfAbsent(
  db: Db,
  records: Record<string, unknown>[],
  also: TransactAction[] = [],
): Promise<boolean> {
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
    return true;
  } catch (e) {
    if ((e as { name?: string } | null)?.name === "TransactionCanceledException") return false;
    throw e;
  }
}
