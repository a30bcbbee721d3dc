import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { tableDefinition } from "./table.js";

/**
 * Creates the table with all its indexes when it is missing (local runs). dynalite ignores a GSI
 * added to an existing table, so an existing table missing one is reported, not patched.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<"created" | "exists"> {
  const def = tableDefinition(tableName);
  try {
    const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const have = new Set((d.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    const missing = (def.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName).filter((n) => !have.has(n));
    if (missing.length) {
      throw new Error(
        `table ${tableName} exists without index(es) ${missing.join(", ")}; the local server cannot add them: move the data folder away to recreate it`,
      );
    }
    return "exists";
  } catch (e) {
    if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
  }
  await client.send(new CreateTableCommand(def));
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  return "created";
}
