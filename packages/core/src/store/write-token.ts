/**
 * The token of the last write that must know itself again. When a write's answer is lost (a
 * reset, a timeout, a 500 after the commit), the SDK sends it again and its condition meets its
 * own result: a create finds its record, a status move finds the status it set. A write that
 * stores a fresh token and whose condition also accepts its own token passes the second time, and
 * a different caller's write still fails. (DynamoDB answers a retried transaction by its
 * ClientRequestToken; the local server does not, and the token covers both.)
 */
import { randomUUID } from "node:crypto";

export const WRITE_TOKEN = "writeToken";

export const newWriteToken = (): string => randomUUID();

/** A record as read, without the token: nobody outside the store sees it. */
export function withoutWriteToken<T>(rec: T): T {
  const { [WRITE_TOKEN]: _, ...rest } = rec as Record<string, unknown>;
  return rest as T;
}
