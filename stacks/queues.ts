import { FAILED_JOB_RETENTION_DAYS, JOB_MAX_ATTEMPTS } from "@wkn/core/store/failed-jobs";
import { Duration } from "aws-cdk-lib";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Queue, type Stack } from "sst/constructs";
import { alarmOnDeadLetters } from "./alarms.js";
import { suppressDeadLetterQueueFindings } from "./nag.js";

/**
 * A job queue with its dead-letter queue, where a message that failed JOB_MAX_ATTEMPTS times waits
 * as long as the table keeps its dead letter (the local runner uses the same numbers); the
 * operator is alarmed as soon as one is there. Both refuse requests without TLS.
 * `visibilityTimeout` must exceed the consumer's timeout (Lambda refuses the mapping otherwise).
 */
export function queueWithDlq(stack: Stack, id: string, visibilityTimeout: Duration, operator: ITopic) {
  const dlq = new Queue(stack, `${id}DLQ`, {
    cdk: { queue: { retentionPeriod: Duration.days(FAILED_JOB_RETENTION_DAYS), enforceSSL: true } },
  });
  suppressDeadLetterQueueFindings(dlq.cdk.queue);
  alarmOnDeadLetters(dlq, dlq.cdk.queue, operator);
  const queue = new Queue(stack, id, {
    cdk: {
      queue: {
        visibilityTimeout,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq.cdk.queue, maxReceiveCount: JOB_MAX_ATTEMPTS },
      },
    },
  });
  return { queue, dlq };
}
