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

export function createDb(opts: DbOptions): Db {
  const client = new DynamoDBClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
    maxAttempts: 5,
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, table: opts.tableName };
}
