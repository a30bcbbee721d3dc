import { ConflictError, NotFoundError } from "@wkn/core/errors";
import { silentLogger } from "@wkn/core/log";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { jobParser } from "./jobs.js";
import { sqsConsumer } from "./sqs-consumer.js";

const record = (messageId: string, body: string): SQSRecord => ({
  messageId,
  body,
  receiptHandle: `rh-${messageId}`,
  attributes: {
    ApproximateReceiveCount: "1",
    SentTimestamp: "0",
    SenderId: "x",
    ApproximateFirstReceiveTimestamp: "0",
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
    const handler = sqsConsumer(silentLogger, jobParser("poll"), async ({ sourceId }) => {
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
    const handler = sqsConsumer(silentLogger, jobParser("unfurl"), async ({ itemId }) => {
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
    const handler = sqsConsumer(silentLogger, jobParser("send"), async ({ issueNumber }) => {
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
    const handler = sqsConsumer(silentLogger, jobParser("send"), async (_job, _record, ctx) => {
      remaining.push(ctx.getRemainingTimeInMillis());
    });
    await handler(batch(record("m1", '{"issueNumber":1}')), lambda);
    expect(remaining).toEqual([900_000]);
  });

  it("deletes a record whose job a retry cannot fix (not found, conflict)", async () => {
    const handler = sqsConsumer(silentLogger, jobParser("send"), async ({ issueNumber }) => {
      if (issueNumber === 1) throw new NotFoundError("issue", "1");
      if (issueNumber === 2) throw new ConflictError("issue 2 was already sent");
    });
    const res = await handler(
      batch(record("m1", '{"issueNumber":1}'), record("m2", '{"issueNumber":2}')),
      lambda,
    );
    expect(res.batchItemFailures).toEqual([]);
  });
});
