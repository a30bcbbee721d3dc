import type { Ctx } from "@wkn/core/context";
import { ConflictError, NotFoundError } from "@wkn/core/errors";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sqsConsumer } from "./sqs-consumer.js";

let env: TestEnv;
let ctx: Ctx;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());
beforeEach(async () => {
  ctx = await env.ctx({ now: () => NOW });
});

const NOW = new Date("2026-03-01T12:00:00.000Z");
const FIRST_RECEIVE = Date.parse("2026-03-01T11:30:00.000Z");

const record = (messageId: string, body: string, receiveCount = 1): SQSRecord => ({
  messageId,
  body,
  receiptHandle: `rh-${messageId}`,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: "0",
    SenderId: "x",
    ApproximateFirstReceiveTimestamp: String(FIRST_RECEIVE),
  },
  messageAttributes: {},
  md5OfBody: "",
  eventSource: "aws:sqs",
  eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q",
  awsRegion: "us-east-1",
});
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const lambda = { getRemainingTimeInMillis: () => 900_000 } as Context;

describe("sqsConsumer", () => {
  it("runs every record and reports none when all succeed", async () => {
    const seen: string[] = [];
    const handler = sqsConsumer(ctx, "poll", async ({ sourceId }) => {
      seen.push(sourceId);
    });
    const res = await handler(
      batch(record("m1", '{"sourceId":"a"}'), record("m2", '{"sourceId":"b"}')),
      lambda,
    );
    expect(res).toEqual({ batchItemFailures: [] });
    expect(seen.sort()).toEqual(["a", "b"]);
  });

  it("reports only the records that failed, so the others are deleted", async () => {
    const handler = sqsConsumer(ctx, "unfurl", async ({ itemId }) => {
      if (itemId === "bad") throw new Error("socket hang up");
    });
    const res = await handler(
      batch(
        record("m1", '{"itemId":"ok"}'),
        record("m2", '{"itemId":"bad"}'),
        record("m3", '{"itemId":"ok2"}'),
      ),
      lambda,
    );
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: "m2" }]);
  });

  it("reports a malformed body as a failure (it ends in the dead-letter queue) without stopping the batch", async () => {
    const ran: number[] = [];
    const handler = sqsConsumer(ctx, "send", async ({ issueNumber }) => {
      ran.push(issueNumber);
    });
    const res = await handler(
      batch(
        record("m1", "not json"),
        record("m2", '{"issueNumber":"7"}'),
        record("m3", '{"issueNumber":0}'),
        record("m4", '{"issueNumber":7}'),
      ),
      lambda,
    );
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["m1", "m2", "m3"]);
    expect(ran).toEqual([7]);
  });

  it("hands each job the Lambda context (the send worker's deadline comes from it)", async () => {
    const remaining: number[] = [];
    const handler = sqsConsumer(ctx, "send", async (_job, _record, ctx) => {
      remaining.push(ctx.getRemainingTimeInMillis());
    });
    await handler(batch(record("m1", '{"issueNumber":1}')), lambda);
    expect(remaining).toEqual([900_000]);
  });

  it("deletes a record whose job a retry cannot fix (not found, conflict)", async () => {
    const handler = sqsConsumer(ctx, "send", async ({ issueNumber }) => {
      if (issueNumber === 1) throw new NotFoundError("issue", "1");
      if (issueNumber === 2) throw new ConflictError("issue 2 was already sent");
    });
    const res = await handler(
      batch(record("m1", '{"issueNumber":1}'), record("m2", '{"issueNumber":2}')),
      lambda,
    );
    expect(res.batchItemFailures).toEqual([]);
  });

  it("keeps a dead letter only for a record failing on its last receive", async () => {
    const handler = sqsConsumer(ctx, "unfurl", async ({ itemId }) => {
      throw new Error(`cannot reach ${itemId}`);
    });
    const res = await handler(
      batch(record("m1", '{"itemId":"early"}', 1), record("m2", '{"itemId":"late"}', 3)),
      lambda,
    );
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["m1", "m2"]);
    expect(await ctx.store.failedJobs.list(NOW)).toEqual([
      {
        id: expect.any(String),
        kind: "unfurl",
        payload: { itemId: "late" },
        error: "Error: cannot reach late",
        attempts: 3,
        firstFailedAt: new Date(FIRST_RECEIVE).toISOString(),
        failedAt: NOW.toISOString(),
      },
    ]);
  });

  it("keeps a malformed message's text, and no dead letter for a job dropped as permanent", async () => {
    const handler = sqsConsumer(ctx, "send", async ({ issueNumber }) => {
      throw new NotFoundError("issue", String(issueNumber));
    });
    const res = await handler(
      batch(record("m1", "not json", 3), record("m2", '{"issueNumber":4}', 3)),
      lambda,
    );
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    const [dead, ...rest] = await ctx.store.failedJobs.list(NOW);
    expect(rest).toEqual([]);
    expect(dead).toMatchObject({ kind: "send", payload: "not json", attempts: 3 });
    expect(dead?.error).toMatch(/^SyntaxError/);
  });

  it("answers the same batch response when the dead letter cannot be kept", async () => {
    // a table that does not exist: the write fails for real
    const broken = await env.ctx({ config: { tableName: "no-such-table" } });
    const errors: string[] = [];
    const log = { ...broken.log, error: (msg: string) => void errors.push(msg) };
    const handler = sqsConsumer({ ...broken, log }, "poll", async () => {
      throw new Error("boom");
    });
    const res = await handler(batch(record("m1", '{"sourceId":"s"}', 3)), lambda);
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: "m1" }] });
    expect(errors).toContain("could not keep the dead letter");
  });
});
