import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** A handle on the table: the document client and the table name. Repositories take this. */
export interface Db {
  doc: DynamoDBDocumentClient;
  table: string;
}

export interface DbOptions {
  tableName: string;
  region: string;
  /** Set for dynalite or another DynamoDB-compatible server; unset on AWS. */
  endpoint?: string;
}

/** Credentials for a local endpoint: the SDK signs every request, the local servers ignore it. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * A pooled connection idle this long is closed by the client, before a server closes it: a
 * request written on a connection the server is closing at that moment is reset, and for
 * SendRawEmail (never retried: SES may have taken it) that leaves a delivery ambiguous for the
 * editor to sort out. Node's http server, which the local endpoints run on, closes a connection
 * idle 5 s (6 s with its grace); AWS's endpoints keep them longer. Against the local SES endpoint,
 * 73-76 of 180 calls on connections idle just that long were reset without this, 0 with it
 * (packages/local/src/testing/keep-alive-race.ts). Setting it also makes Node's agent honour a shorter
 * `Keep-Alive: timeout=N` a server announces. An answer slower than this is still waited for: the
 * agent's timeout closes idle pooled connections only.
 */
export const IDLE_CONNECTION_MS = 4000;

/** The SDK clients' HTTP handler options (see IDLE_CONNECTION_MS). */
export const SDK_REQUEST_HANDLER = {
  httpAgent: { timeout: IDLE_CONNECTION_MS },
  httpsAgent: { timeout: IDLE_CONNECTION_MS },
};

export function createDb(opts: DbOptions): Db {
  const client = new DynamoDBClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
    maxAttempts: 5,
    requestHandler: SDK_REQUEST_HANDLER,
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, table: opts.tableName };
}
