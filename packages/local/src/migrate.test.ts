/**
 * A database folder from before the ranking moved onto the item record (three indexes, score
 * pointer records): the next start migrates it, and the ranked listing reads it through gsi4.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { testItem } from "@wkn/core/items/testing";
import { capturingLogger } from "@wkn/core/log";
import type { Item } from "@wkn/core/model";
import { LOCAL_CREDENTIALS } from "@wkn/core/store/client";
import { itemRecord } from "@wkn/core/store/items";
import { tableDefinition } from "@wkn/core/store/table";
import { afterEach, expect, it } from "vitest";
import { prepareDatabase } from "./database.js";
import { openDynaliteFolder } from "./dynalite-folder.js";
import { startDynalite } from "./dynamo.js";
import { checkIndexes } from "./index-check.js";
import { migrateFolder } from "./migrate.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const TABLE = "weekly-ml-news";

async function withServer<T>(path: string, fn: (doc: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
  const server = await startDynalite({ path });
  const client = new DynamoDBClient({
    region: "us-east-1",
    endpoint: server.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return await fn(DynamoDBDocumentClient.from(client));
  } finally {
    client.destroy();
    await server.close();
  }
}

it("adds the ranking's indexes to an older folder, ranks every item and drops the old pointers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wkn-migrate-"));
  dirs.push(dir);
  const path = join(dir, "dynamodb");
  const scored = { ...testItem("https://old.example/a", { kind: "release" }), score: 4.25 };
  const unscored = testItem("https://old.example/b");
  // The older layout: gsi1-gsi3 only, the score order as a pointer record beside the item.
  await withServer(path, async (doc) => {
    const def = tableDefinition(TABLE);
    const old = ["gsi1", "gsi2", "gsi3"];
    await doc.send(
      new CreateTableCommand({
        ...def,
        AttributeDefinitions: def.AttributeDefinitions!.filter((a) => !/^gsi[45]/.test(a.AttributeName!)),
        GlobalSecondaryIndexes: def.GlobalSecondaryIndexes!.filter((g) => old.includes(g.IndexName!)),
      }),
    );
    const record = (item: Item) => {
      const r = itemRecord(item);
      for (const k of ["gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk"]) delete r[k];
      return r;
    };
    await doc.send(new PutCommand({ TableName: TABLE, Item: record(scored) }));
    await doc.send(new PutCommand({ TableName: TABLE, Item: record(unscored) }));
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          pk: `ITEM#${scored.id}`,
          sk: "ORDER#score",
          gsi1pk: "ORDER#score#new",
          gsi1sk: `x#${scored.id}`,
          itemId: scored.id,
          order: "score",
        },
      }),
    );
  });

  const { log, lines } = capturingLogger();
  const result = await prepareDatabase(path, { check: false, log });
  expect(result?.repaired).toBeGreaterThan(0);
  expect(lines.map((l) => l.msg)).toContain("database folder brought up to date");

  // Whole again, and nothing left to migrate.
  const folder = await openDynaliteFolder(path);
  try {
    expect((await checkIndexes(folder, { repair: false })).repaired).toBe(0);
    expect(await migrateFolder(folder)).toEqual([]);
  } finally {
    await folder.close();
  }

  await withServer(path, async (doc) => {
    const ranked = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: "gsi5",
        KeyConditionExpression: "gsi5pk = :p",
        ExpressionAttributeValues: { ":p": "RANK#new#release" },
      }),
    );
    expect(ranked.Items?.map((i) => i.id)).toEqual([scored.id]);
    const pointer = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: `ITEM#${scored.id}`, sk: "ORDER#score" } }),
    );
    expect(pointer.Item).toBeUndefined();
    const plain = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: `ITEM#${unscored.id}`, sk: "ITEM" } }),
    );
    // An item never scored ranks as 0: every item is in the ranked index (counts read it).
    expect(plain.Item?.gsi4pk).toBe("RANK#new");
  });
});
