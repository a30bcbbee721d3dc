import { PutCommand } from "@aws-sdk/lib-dynamodb";
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
