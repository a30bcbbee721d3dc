/**
 * An SQS consumer that reports partial batch failures (the event source has
 * `ReportBatchItemFailures`): the records of a batch run concurrently; a record that throws is
 * returned to the queue alone (and reaches the dead-letter queue after JOB_MAX_ATTEMPTS receives),
 * the others are deleted. A domain error that a retry cannot fix (a source deleted meanwhile, an
 * issue already sent) is logged and the record deleted. A record failing on its last receive is
 * also kept as a dead letter in the table, where the editor sees the local runtime's too.
 */

import type { Ctx } from "@wkn/core/context";
import type { JobKind, JobPayloads } from "@wkn/core/jobs";
import { isPermanentJobError, JOB_MAX_ATTEMPTS, jobErrorText } from "@wkn/core/store/failed-jobs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { withInvocationId } from "./invocation.js";
import { jobParser } from "./jobs.js";

/** What the consumer needs of the Lambda's context. */
export type ConsumerCtx = Pick<Ctx, "log" | "now"> & { store: Pick<Ctx["store"], "failedJobs"> };

export function sqsConsumer<K extends JobKind>(
  ctx: ConsumerCtx,
  kind: K,
  run: (job: JobPayloads[K], record: SQSRecord, lambda: Context) => Promise<unknown>,
): (event: SQSEvent, lambda: Context) => Promise<SQSBatchResponse> {
  const parse = jobParser(kind);

  /** Best effort: the record still goes back to the queue (and on to the DLQ) if this fails. */
  const keepDeadLetter = async (record: SQSRecord, error: unknown, attempts: number) => {
    const first = Number(record.attributes.ApproximateFirstReceiveTimestamp);
    try {
      await ctx.store.failedJobs.add(
        {
          kind,
          payload: payloadOf(record.body),
          error: jobErrorText(error),
          attempts,
          ...(first > 0 ? { firstFailedAt: new Date(first).toISOString() } : {}),
        },
        ctx.now(),
      );
    } catch (e) {
      ctx.log.error("could not keep the dead letter", { messageId: record.messageId, error: e });
    }
  };

  return withInvocationId(async (event: SQSEvent, lambda: Context) => {
    const outcomes = await Promise.allSettled(
      event.Records.map(async (r) => run(await parse(r.body), r, lambda)),
    );
    const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
    const deadLetters: Promise<void>[] = [];
    outcomes.forEach((o, i) => {
      if (o.status === "fulfilled") return;
      const record = event.Records[i]!;
      const fields = {
        messageId: record.messageId,
        body: record.body,
        error: o.reason,
      };
      if (isPermanentJobError(o.reason)) {
        ctx.log.warn("job dropped", { ...fields, code: o.reason.code });
        return;
      }
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      batchItemFailures.push({ itemIdentifier: record.messageId });
      if (receiveCount >= JOB_MAX_ATTEMPTS) {
        ctx.log.error("job failed on its last attempt; kept as a dead letter", { ...fields, receiveCount });
        deadLetters.push(keepDeadLetter(record, o.reason, receiveCount));
      } else {
        ctx.log.error("job failed, will be retried", { ...fields, receiveCount });
      }
    });
    await Promise.all(deadLetters);
    return { batchItemFailures };
  });
}

/** The message's JSON, or its text when it is not JSON (kept for the editor to see). */
function payloadOf(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
