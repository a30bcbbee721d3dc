/**
 * Polling and enrichment (DESIGN.md "Data flow" 1–5): an hourly cron enqueues one poll job per due
 * source; the poll worker consumes them and enqueues unfurl jobs, which the unfurl worker consumes
 * (page metadata, then the hosted thumbnail).
 * Each queue has a dead-letter queue; consumers report partial batch failures.
 */
import { Duration } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Cron, Function as SstFunction, type StackContext, use } from "sst/constructs";
import { queueWithDlq } from "./queues.js";
import { Secrets } from "./Secrets.js";
import { Storage } from "./Storage.js";
import { deploySettings, withPublicBaseUrl } from "./settings.js";
import { sharpLayer } from "./sharp-layer.js";

export function Ingest({ stack }: StackContext) {
  const { table, media } = use(Storage);
  const { GITHUB_TOKEN, KAGGLE_API_TOKEN } = use(Secrets);
  const settings = deploySettings();
  const env = { TABLE_NAME: table.tableName, ...settings.env };

  // Visibility timeouts at six times the consumer's timeout (AWS's advice for SQS event sources).
  const poll = queueWithDlq(stack, "PollQueue", Duration.minutes(12));
  const unfurl = queueWithDlq(stack, "UnfurlQueue", Duration.minutes(6));

  const pollSchedule = new SstFunction(stack, "PollSchedule", {
    handler: "functions/poll-schedule.handler",
    timeout: "1 minute",
    environment: { ...env, POLL_QUEUE_URL: poll.queue.queueUrl },
  });
  table.cdk.table.grantReadData(pollSchedule);
  poll.queue.cdk.queue.grantSendMessages(pollSchedule);
  const cron = new Cron(stack, "Poll", {
    schedule: "cron(0 * * * ? *)", // hourly, like POLL_CRON's default locally
    job: pollSchedule,
  });

  const pollWorker = new SstFunction(stack, "PollWorker", {
    handler: "functions/poll-worker.handler",
    timeout: "2 minutes",
    environment: { ...env, UNFURL_QUEUE_URL: unfurl.queue.queueUrl },
    bind: [GITHUB_TOKEN, KAGGLE_API_TOKEN],
  });
  table.cdk.table.grantReadWriteData(pollWorker);
  unfurl.queue.cdk.queue.grantSendMessages(pollWorker);
  withPublicBaseUrl(pollWorker, stack, settings);
  poll.queue.addConsumer(stack, {
    function: pollWorker,
    // Ten sources per invocation, polled concurrently; at most ten invocations at once.
    cdk: { eventSource: { batchSize: 10, maxConcurrency: 10, reportBatchItemFailures: true } },
  });

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
  unfurl.queue.addConsumer(stack, {
    function: unfurlWorker,
    cdk: { eventSource: { batchSize: 10, maxConcurrency: 5, reportBatchItemFailures: true } },
  });

  return { pollQueue: poll.queue, unfurlQueue: unfurl.queue, cron };
}
