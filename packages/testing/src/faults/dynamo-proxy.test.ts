/**
 * The fault proxy as the real SDK sees it: each error is DynamoDB's own exception class and is
 * retried by the standard strategy; a faulted write wrote nothing; partial batches hand back
 * exactly what was not done; the same seed gives the same faults.
 */
import { randomBytes } from "node:crypto";
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ThrottlingException,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { batchGetAll, batchPutAll } from "@wkn/core/store/batch";
import { LOCAL_CREDENTIALS } from "@wkn/core/store/client";
import { ensureTable } from "@wkn/core/store/ensure-table";
import { startDynalite } from "@wkn/local/dynamo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamoFault, type DynamoFaultProxy, startDynamoFaultProxy } from "./dynamo-proxy.js";

let dyn: Awaited<ReturnType<typeof startDynalite>>;
let direct: DynamoDBClient;
const proxies: DynamoFaultProxy[] = [];
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  dyn = await startDynalite();
  direct = client(dyn.endpoint, 1);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const p of proxies) await p.close();
  await dyn.close();
});

/** The SDK's standard retry classification, without its waits. */
function client(endpoint: string, maxAttempts: number) {
  const c = new DynamoDBClient({
    region: "us-east-1",
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 0),
  });
  clients.push(c);
  return c;
}

async function setup(rate: number, faults: DynamoFault[], seed = 7) {
  const table = `t${randomBytes(6).toString("hex")}`;
  await ensureTable(direct, table);
  const proxy = await startDynamoFaultProxy({ target: dyn.endpoint, rate, seed, faults });
  proxies.push(proxy);
  return { table, proxy };
}

const item = (i: number) => ({ pk: { S: `K#${i}` }, sk: { S: "X" }, n: { N: String(i) } });
const key = (i: number) => ({ pk: { S: `K#${i}` }, sk: { S: "X" } });

describe("error faults", () => {
  const cases: [DynamoFault, unknown, number][] = [
    ["ProvisionedThroughputExceededException", ProvisionedThroughputExceededException, 400],
    ["ThrottlingException", ThrottlingException, 400],
    ["InternalServerError", InternalServerError, 500],
  ];
  for (const [name, cls, status] of cases) {
    it(`${name}: the SDK's own class, status ${status}, retried to the last attempt, nothing written`, async () => {
      const { table, proxy } = await setup(1, [name]);
      const e = await client(proxy.endpoint, 3)
        .send(new PutItemCommand({ TableName: table, Item: item(1) }))
        .catch((x) => x);
      expect(e).toBeInstanceOf(cls);
      expect(e.name).toBe(name);
      expect(e.$metadata).toMatchObject({ httpStatusCode: status, attempts: 3 });
      expect(e.$fault).toBe(status === 500 ? "server" : "client");
      expect(proxy.stats().faults[name]).toBe(3);
      const got = await direct.send(new GetItemCommand({ TableName: table, Key: key(1) }));
      expect(got.Item).toBeUndefined();
    });
  }
});

describe("partial batches", () => {
  it("BatchWriteItem writes only what it does not hand back", async () => {
    const { table, proxy } = await setup(1, ["UnprocessedItems"]);
    const requests = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: item(i) } }));
    const r = await client(proxy.endpoint, 1).send(
      new BatchWriteItemCommand({ RequestItems: { [table]: requests } }),
    );
    const back = new Set((r.UnprocessedItems?.[table] ?? []).map((w) => w.PutRequest?.Item?.pk?.S));
    expect(back.size).toBeGreaterThan(0);
    for (let i = 0; i < 25; i++) {
      const got = await direct.send(new GetItemCommand({ TableName: table, Key: key(i) }));
      expect(Boolean(got.Item), `K#${i}`).toBe(!back.has(`K#${i}`));
    }
    expect(proxy.stats().heldBackItems).toBe(back.size);
  });

  it("BatchGetItem hands back the keys it did not read, with the request's projection", async () => {
    const { table, proxy } = await setup(0, ["UnprocessedKeys"]);
    await client(dyn.endpoint, 1).send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: Array.from({ length: 20 }, (_, i) => ({ PutRequest: { Item: item(i) } })) },
      }),
    );
    proxy.setRate(1);
    const keys = Array.from({ length: 20 }, (_, i) => key(i));
    const r = await client(proxy.endpoint, 1).send(
      new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: "pk, n" } } }),
    );
    const got = (r.Responses?.[table] ?? []).map((x) => x.pk?.S);
    const back = r.UnprocessedKeys?.[table];
    expect(back?.ProjectionExpression).toBe("pk, n");
    expect([...got, ...(back?.Keys ?? []).map((k) => k.pk?.S)].sort()).toEqual(
      keys.map((k) => k.pk.S).sort(),
    );
    expect(back?.Keys?.length).toBeGreaterThan(0);
  });

  it("the store's batch helpers finish through partial answers", async () => {
    const { table, proxy } = await setup(0.5, ["UnprocessedItems", "UnprocessedKeys"]);
    const db = { doc: DynamoDBDocumentClient.from(client(proxy.endpoint, 1)), table };
    const records = Array.from({ length: 120 }, (_, i) => ({ pk: `R#${i}`, sk: "R", i }));
    await batchPutAll(db, records);
    const read = await batchGetAll(
      db,
      records.map((r) => ({ pk: r.pk, sk: r.sk })),
    );
    expect(read.map((r) => r.i).sort((a, b) => Number(a) - Number(b))).toEqual(records.map((r) => r.i));
    expect(proxy.stats().faults.UnprocessedItems).toBeGreaterThan(0);
    expect(proxy.stats().faults.UnprocessedKeys).toBeGreaterThan(0);
  });
});

it("draws the same faults from the same seed", async () => {
  const run = async () => {
    const { table, proxy } = await setup(0.3, ["ThrottlingException", "InternalServerError"], 42);
    const c = client(proxy.endpoint, 1);
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await c.send(new PutItemCommand({ TableName: table, Item: item(i) })).catch((e) => e);
      outcomes.push(r instanceof Error ? r.name : "ok");
    }
    return outcomes;
  };
  const a = await run();
  expect(a).toContain("ok");
  expect(a.filter((o) => o !== "ok").length).toBeGreaterThan(3);
  expect(await run()).toEqual(a);
});
