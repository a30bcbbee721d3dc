/**
 * Polling and enrichment (DESIGN.md "Data flow" 1–5): an hourly cron enqueues one poll job per due
 * source; the poll worker consumes them and enqueues unfurl jobs, which the unfurl worker consumes
 * (page metadata, then the hosted thumbnail).
 * A job that fails every attempt, and a scheduled run that fails Lambda's retries, ends in the app's
 * dead-letter queue (Storage); consumers report partial batch failures.
 */
import { Duration } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { NagSuppressions } from "cdk-nag";
import { Cron, Function as SstFunction, type StackContext, use } from "sst/constructs";
import { finishStack } from "./finish.js";
import {
  allowWildcards,
  MEDIA_OBJECTS,
  suppressFunctionFindings,
  TABLE_INDEXES,
  TABLE_INDEXES_REASON,
} from "./nag.js";
import { operationSettings } from "./operations.js";
import { queueWithDlq } from "./queues.js";
import { Secrets } from "./Secrets.js";
import { Storage } from "./Storage.js";
import { deploySettings, withPublicBaseUrl } from "./settings.js";
import { sharpLayer } from "./sharp-layer.js";

export function Ingest({ stack }: StackContext) {
  const { table, media, deadLetters } = use(Storage);
  const { GITHUB_TOKEN, KAGGLE_API_TOKEN } = use(Secrets);
  const settings = deploySettings();
  const ops = operationSettings();
  const env = { TABLE_NAME: table.tableName, ...settings.env };

  // Visibility timeouts at six times the consumer's timeout (AWS's advice for SQS event sources).
  const poll = queueWithDlq(stack, "PollQueue", Duration.minutes(12), deadLetters);
  const unfurl = queueWithDlq(stack, "UnfurlQueue", Duration.minutes(6), deadLetters);

  const pollSchedule = new SstFunction(stack, "PollSchedule", {
    handler: "functions/poll-schedule.handler",
    timeout: "1 minute",
    environment: { ...env, POLL_QUEUE_URL: poll.queueUrl },
    // EventBridge invokes it asynchronously: a run that fails Lambda's two retries waits here.
    deadLetterQueue: deadLetters.cdk.queue,
  });
  table.cdk.table.grantReadData(pollSchedule);
  poll.cdk.queue.grantSendMessages(pollSchedule);
  const cron = new Cron(stack, "Poll", {
    schedule: "cron(0 * * * ? *)", // hourly, like POLL_CRON's default locally
    job: pollSchedule,
  });
  suppressFunctionFindings(pollSchedule, "has-dlq");
  allowWildcards(pollSchedule, [{ appliesTo: TABLE_INDEXES, reason: TABLE_INDEXES_REASON }]);
  NagSuppressions.addResourceSuppressions(cron.cdk.rule, [
    {
      id: "Serverless-EventBusDLQ",
      reason: "An idempotent hourly sweep: the next run enqueues whatever a lost one would have.",
    },
  ]);

  const pollWorker = new SstFunction(stack, "PollWorker", {
    handler: "functions/poll-worker.handler",
    timeout: "2 minutes",
    environment: { ...env, UNFURL_QUEUE_URL: unfurl.queueUrl },
    bind: [GITHUB_TOKEN, KAGGLE_API_TOKEN],
  });
  table.cdk.table.grantReadWriteData(pollWorker);
  unfurl.cdk.queue.grantSendMessages(pollWorker);
  withPublicBaseUrl(pollWorker, stack, settings);
  poll.addConsumer(stack, {
    function: pollWorker,
    // Ten sources per invocation, polled concurrently; at most ten invocations at once.
    cdk: { eventSource: { batchSize: 10, maxConcurrency: 10, reportBatchItemFailures: true } },
  });
  suppressFunctionFindings(pollWorker, "queue");
  allowWildcards(pollWorker, [{ appliesTo: TABLE_INDEXES, reason: TABLE_INDEXES_REASON }]);

  // Also hosts the items' pictures: the one function with the image library (its layer).
  const unfurlWorker = new SstFunction(stack, "UnfurlWorker", {
    handler: "functions/unfurl-worker.handler",
    timeout: "1 minute",
    environment: { ...env, MEDIA_BUCKET: media.bucketName },
    layers: [sharpLayer(stack)],
  });
  table.cdk.table.grantReadWriteData(unfurlWorker);
  // Writing thumbnails under media/, and nothing else (no read, list or delete).
  unfurlWorker.attachPermissions([
    new PolicyStatement({ actions: ["s3:PutObject"], resources: [media.arnForObjects("media/*")] }),
  ]);
  withPublicBaseUrl(unfurlWorker, stack, settings);
  unfurl.addConsumer(stack, {
    function: unfurlWorker,
    cdk: { eventSource: { batchSize: 10, maxConcurrency: 5, reportBatchItemFailures: true } },
  });
  suppressFunctionFindings(unfurlWorker, "queue");
  allowWildcards(unfurlWorker, [
    { appliesTo: TABLE_INDEXES, reason: TABLE_INDEXES_REASON },
    {
      appliesTo: MEDIA_OBJECTS,
      reason: "PutObject on any thumbnail under media/: their keys are made per item.",
    },
  ]);

  finishStack(stack, ops);
  return { pollQueue: poll, unfurlQueue: unfurl, cron };
}
