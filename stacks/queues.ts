import { Duration } from "aws-cdk-lib";
import { Queue, type Stack } from "sst/constructs";

/**
 * A job queue with its dead-letter queue, where a message that failed three times waits 14 days.
 * `visibilityTimeout` must exceed the consumer's timeout (Lambda refuses the mapping otherwise).
 */
export function queueWithDlq(stack: Stack, id: string, visibilityTimeout: Duration) {
  const dlq = new Queue(stack, `${id}DLQ`, { cdk: { queue: { retentionPeriod: Duration.days(14) } } });
  const queue = new Queue(stack, id, {
    cdk: { queue: { visibilityTimeout, deadLetterQueue: { queue: dlq.cdk.queue, maxReceiveCount: 3 } } },
  });
  return { queue, dlq };
}
