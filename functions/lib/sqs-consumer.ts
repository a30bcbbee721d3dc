/**
 * An SQS consumer that reports partial batch failures (the event source has
 * `ReportBatchItemFailures`): the records of a batch run concurrently; a record that throws is
 * returned to the queue alone (and reaches the dead-letter queue after maxReceiveCount), the others
 * are deleted. A domain error that a retry cannot fix (a source deleted meanwhile, an issue already
 * sent) is logged and the record deleted.
 */
import { DomainError } from "@wkn/core/errors";
import type { Logger } from "@wkn/core/log";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

const isPermanent = (e: unknown): e is DomainError =>
  e instanceof DomainError && e.status < 500 && e.status !== 429;

export function sqsConsumer<T>(
  log: Logger,
  parse: (body: string) => T,
  run: (job: T, record: SQSRecord, lambda: Context) => Promise<unknown>,
): (event: SQSEvent, lambda: Context) => Promise<SQSBatchResponse> {
  return async (event, lambda) => {
    const outcomes = await Promise.allSettled(event.Records.map(async (r) => run(parse(r.body), r, lambda)));
    const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
    outcomes.forEach((o, i) => {
      if (o.status === "fulfilled") return;
      const record = event.Records[i]!;
      const fields = {
        messageId: record.messageId,
        body: record.body,
        error: o.reason,
        stack: (o.reason as Error)?.stack,
      };
      if (isPermanent(o.reason)) {
        log.warn("job dropped", { ...fields, code: o.reason.code });
        return;
      }
      log.error("job failed, will be retried", {
        ...fields,
        receiveCount: record.attributes.ApproximateReceiveCount,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    });
    return { batchItemFailures };
  };
}
