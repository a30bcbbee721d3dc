import { FAILED_JOB_RETENTION_DAYS, JOB_MAX_ATTEMPTS } from "@wkn/core/store/failed-jobs";
import { Duration } from "aws-cdk-lib";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { type App, Queue, type Stack } from "sst/constructs";
import { alarmOnDeadLetters } from "./alarms.js";
import { suppressDeadLetterQueueFindings } from "./nag.js";

/**
 * The SNS topic (Mail stack) whose subscription's undelivered notices go to the dead-letter queue:
 * its id, hence its name (SST names a topic `<stage>-<app>-<id>`).
 */
export const SES_FEEDBACK_TOPIC_ID = "SesFeedbackTopic";

/**
 * The app's one dead-letter queue, made in the Storage stack beside the operator topic (the stack
 * every other one uses) and passed like it. Everything that fails for good ends here:
 * - a job: each job queue's redrive policy (queueWithDlq) after JOB_MAX_ATTEMPTS receives;
 * - a scheduled run (poll-schedule, send-resume) or an SES notice (ses-feedback) that failed all of
 *   Lambda's async retries: each function's dead-letter queue;
 * - an SES notice SNS could not deliver to ses-feedback: the subscription's dead-letter queue.
 * One alarm watches it, where each queue and function had its own. Messages wait as long as the
 * table keeps a failed job (FAILED_JOB_RETENTION_DAYS); it refuses requests without TLS.
 *
 * Sharing it loses no redrive: SQS's redrive to source (StartMessageMoveTask without a
 * DestinationArn, the console's "redrive to source queues") returns each job to the queue it came
 * from. What Lambda or SNS put here never had a source queue (SQS redrives only what a redrive
 * policy moved), as in the separate queues before: read it (the event, and Lambda's ErrorMessage
 * attribute), act on it (a notice's address may need suppressing by hand; a sweep's next run redoes
 * its work), and delete it.
 */
export function deadLetterQueue(stack: Stack, operator: ITopic): Queue {
  const dlq = new Queue(stack, "DeadLetterQueue", {
    cdk: { queue: { retentionPeriod: Duration.days(FAILED_JOB_RETENTION_DAYS), enforceSSL: true } },
  });
  suppressDeadLetterQueueFindings(dlq.cdk.queue);
  // SNS sends an undelivered notice as this topic; CDK would add this beside the subscription, but
  // that policy would make this stack depend on the Mail stack, which depends on this one. The
  // topic's ARN is known from its name.
  const app = stack.node.root as App;
  const feedbackTopicArn = stack.formatArn({
    service: "sns",
    resource: app.logicalPrefixedName(SES_FEEDBACK_TOPIC_ID),
  });
  dlq.cdk.queue.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal("sns.amazonaws.com")],
      actions: ["sqs:SendMessage"],
      resources: [dlq.cdk.queue.queueArn],
      conditions: { ArnEquals: { "aws:SourceArn": feedbackTopicArn } },
    }),
  );
  alarmOnDeadLetters(dlq, dlq.cdk.queue, operator);
  return dlq;
}

/**
 * A job queue whose message that failed JOB_MAX_ATTEMPTS times moves to the app's dead-letter queue
 * (deadLetterQueue above; the local runner uses the same numbers). It refuses requests without TLS.
 * `visibilityTimeout` must exceed the consumer's timeout (Lambda refuses the mapping otherwise).
 */
export function queueWithDlq(
  stack: Stack,
  id: string,
  visibilityTimeout: Duration,
  deadLetters: Queue,
): Queue {
  return new Queue(stack, id, {
    cdk: {
      queue: {
        visibilityTimeout,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetters.cdk.queue, maxReceiveCount: JOB_MAX_ATTEMPTS },
      },
    },
  });
}
