import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { LOCAL_CREDENTIALS } from "@wkn/core/store/client";
import { ensureTable } from "@wkn/core/store/ensure-table";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "./dynamo.js";

let server: Awaited<ReturnType<typeof startDynalite>>;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
const TABLE = "transactions";

beforeAll(async () => {
  server = await startDynalite();
  client = new DynamoDBClient({
    region: "us-east-1",
    endpoint: server.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  doc = DynamoDBDocumentClient.from(client);
  await ensureTable(client, TABLE);
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const get = async (pk: string) =>
  (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk, sk: "S" } }))).Item;
const putIfAbsent = (pk: string, v: string) => ({
  Put: {
    TableName: TABLE,
    Item: { pk, sk: "S", v },
    ConditionExpression: "attribute_not_exists(pk)",
  },
});

describe("TransactWriteItems on the embedded DynamoDB", () => {
  it("writes every action when every condition holds", async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: "u1", sk: "S", n: 1 } }));
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          putIfAbsent("a1", "x"),
          putIfAbsent("a2", "y"),
          {
            Update: {
              TableName: TABLE,
              Key: { pk: "u1", sk: "S" },
              UpdateExpression: "SET n = n + :one",
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeValues: { ":one": 1 },
            },
          },
        ],
      }),
    );
    expect(await get("a1")).toMatchObject({ v: "x" });
    expect(await get("a2")).toMatchObject({ v: "y" });
    expect(await get("u1")).toMatchObject({ n: 2 });
  });

  it("writes nothing when one condition fails, and names it among the reasons", async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: "b2", sk: "S", v: "old" } }));
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: "b0", sk: "S", v: "before" } }));
    const err = await doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk: "b0", sk: "S", v: "replaced" } } },
            putIfAbsent("b1", "new"),
            putIfAbsent("b2", "clash"),
            putIfAbsent("b3", "new"),
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionCanceledException);
    expect((err as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      "None",
      "None",
      "ConditionalCheckFailed",
      "None",
    ]);
    // The actions before the failing one are undone: replaced back, created removed.
    expect(await get("b0")).toMatchObject({ v: "before" });
    expect(await get("b1")).toBeUndefined();
    expect(await get("b2")).toMatchObject({ v: "old" });
    expect(await get("b3")).toBeUndefined();
  });

  it("puts a created item in every index it belongs to, projected as each index says", async () => {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: TABLE,
              Item: {
                pk: "i1",
                sk: "S",
                id: "i1",
                v: "x",
                gsi1pk: "IDX",
                gsi1sk: "1",
                gsi4pk: "RANKIDX",
                gsi4sk: "9",
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          putIfAbsent("i2", "y"),
        ],
      }),
    );
    const query = (index: string, pk: string) =>
      doc.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: index,
          KeyConditionExpression: `${index}pk = :pk`,
          ExpressionAttributeValues: { ":pk": pk },
        }),
      );
    // gsi1 projects every attribute; gsi4 its keys, the table's and `id`; the item without index keys is in neither.
    expect((await query("gsi1", "IDX")).Items).toEqual([
      { pk: "i1", sk: "S", id: "i1", v: "x", gsi1pk: "IDX", gsi1sk: "1", gsi4pk: "RANKIDX", gsi4sk: "9" },
    ]);
    expect((await query("gsi4", "RANKIDX")).Items).toEqual([
      { pk: "i1", sk: "S", id: "i1", gsi4pk: "RANKIDX", gsi4sk: "9" },
    ]);
    expect(await get("i2")).toMatchObject({ v: "y" });
  });

  it("refuses an invalid item before anything is written, the other actions included", async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: "v0", sk: "S", n: 1 } }));
    const err = await doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: { pk: "v0", sk: "S" },
                UpdateExpression: "SET n = :two",
                ExpressionAttributeValues: { ":two": 2 },
              },
            },
            putIfAbsent("v1", "fine"),
            // Over DynamoDB's 400 KB item limit.
            putIfAbsent("v2", "x".repeat(410_000)),
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(String((err as Error).name)).toBe("ValidationException");
    expect(String((err as Error).message)).toMatch(/size has exceeded/);
    expect(await get("v0")).toMatchObject({ n: 1 });
    expect(await get("v1")).toBeUndefined();
    expect(await get("v2")).toBeUndefined();
  });

  it("is atomic to concurrent writers: of transactions racing on the same keys, one wins whole", async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `c${i}`);
    // Each in another order: without isolation they would meet in the middle and all fail.
    const orders = [keys, [...keys].reverse(), [...keys.slice(10), ...keys.slice(0, 10)]];
    const results = await Promise.allSettled(
      ["p", "q", "r"].map((who, i) =>
        doc.send(new TransactWriteCommand({ TransactItems: orders[i]!.map((k) => putIfAbsent(k, who)) })),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const winner = ["p", "q", "r"][results.findIndex((r) => r.status === "fulfilled")];
    for (const k of keys) expect(await get(k)).toMatchObject({ v: winner });
  });

  it("refuses two actions on one item and unsupported actions, with a ValidationException", async () => {
    await expect(
      doc.send(new TransactWriteCommand({ TransactItems: [putIfAbsent("d1", "x"), putIfAbsent("d1", "y")] })),
    ).rejects.toThrow(/multiple operations on one item/);
    await expect(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: TABLE,
                Key: { pk: "d2", sk: "S" },
                ConditionExpression: "attribute_exists(pk)",
              },
            },
          ],
        }),
      ),
    ).rejects.toThrow(/does not support ConditionCheck/);
    expect(await get("d1")).toBeUndefined();
  });

  it("keeps created items and their index entries in a folder-backed store, across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wkn-tx-"));
    const open = async () => {
      const srv = await startDynalite({ path: dir });
      const c = new DynamoDBClient({
        region: "us-east-1",
        endpoint: srv.endpoint,
        credentials: LOCAL_CREDENTIALS,
      });
      return { srv, c, d: DynamoDBDocumentClient.from(c) };
    };
    try {
      const first = await open();
      await ensureTable(first.c, TABLE);
      await first.d.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: TABLE,
                Item: { pk: "f1", sk: "S", id: "f1", gsi1pk: "DISK", gsi1sk: "1" },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
      first.c.destroy();
      await first.srv.close();

      const again = await open();
      try {
        const item = (await again.d.send(new GetCommand({ TableName: TABLE, Key: { pk: "f1", sk: "S" } })))
          .Item;
        expect(item).toEqual({ pk: "f1", sk: "S", id: "f1", gsi1pk: "DISK", gsi1sk: "1" });
        const listed = await again.d.send(
          new QueryCommand({
            TableName: TABLE,
            IndexName: "gsi1",
            KeyConditionExpression: "gsi1pk = :pk",
            ExpressionAttributeValues: { ":pk": "DISK" },
          }),
        );
        expect(listed.Items).toEqual([item]);
      } finally {
        again.c.destroy();
        await again.srv.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
