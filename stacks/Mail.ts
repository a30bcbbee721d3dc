/**
 * Sending and feedback (DESIGN.md "Data flow" 8–9): a send queue whose worker sends one issue per
 * message with bounded concurrency, so its pacing holds the SES rate; a confirm queue whose worker
 * handles `/subscribe` requests (state, limits, the confirmation mail) the same way; an SNS topic
 * for SES bounce and complaint notices, handled by the feedback function. What fails for good (a
 * job, a notice, a sweep) ends in the app's dead-letter queue (Storage; queues.ts).
 */
import { Duration } from "aws-cdk-lib";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Queue as SqsQueue } from "aws-cdk-lib/aws-sqs";
import { NagSuppressions } from "cdk-nag";
import { type App, Cron, Function as SstFunction, type StackContext, Topic, use } from "sst/constructs";
import { alarmOnStuckIssues, alarmOnThrottles } from "./alarms.js";
import { finishStack } from "./finish.js";
import {
  allowWildcards,
  GET_SEND_QUOTA_REASON,
  suppressFunctionFindings,
  TABLE_INDEXES,
  TABLE_INDEXES_REASON,
} from "./nag.js";
import { operationSettings } from "./operations.js";
import { queueWithDlq, SES_FEEDBACK_TOPIC_ID } from "./queues.js";
import { Secrets } from "./Secrets.js";
import { Storage } from "./Storage.js";
import { deploySettings, sesSendStatements, withPublicBaseUrl } from "./settings.js";

export function Mail({ stack }: StackContext) {
  const { table, operatorTopic, deadLetters } = use(Storage);
  const { SIGNING_SECRET } = use(Secrets);
  const settings = deploySettings();
  const ops = operationSettings();
  const env = { TABLE_NAME: table.tableName, ...settings.env };

  // A send may run the full 15 minutes; a message whose run died is retried after 20. runSend
  // resumes: every recipient already claimed is skipped.
  const send = queueWithDlq(stack, "SendQueue", Duration.minutes(20), deadLetters);
  const sendWorker = new SstFunction(stack, "SendWorker", {
    handler: "functions/send-worker.handler",
    timeout: "15 minutes",
    // its own queue: near the timeout runSend enqueues the rest of the send as a new job
    environment: { ...env, SEND_QUEUE_URL: send.queueUrl },
    bind: [SIGNING_SECRET],
  });
  table.cdk.table.grantReadWriteData(sendWorker);
  send.cdk.queue.grantSendMessages(sendWorker);
  sendWorker.attachPermissions(sesSendStatements(stack, settings.fromAddress));
  withPublicBaseUrl(sendWorker, stack, settings);
  send.addConsumer(stack, {
    function: sendWorker,
    // One issue per invocation and at most two at once (SQS's minimum): sends never pile up on SES.
    cdk: { eventSource: { batchSize: 1, maxConcurrency: 2, reportBatchItemFailures: true } },
  });
  suppressFunctionFindings(sendWorker, "queue");
  allowWildcards(sendWorker, [
    { appliesTo: TABLE_INDEXES, reason: TABLE_INDEXES_REASON },
    { appliesTo: "Resource::*", reason: GET_SEND_QUOTA_REASON },
  ]);
  // Its event source never runs more than two at once: a throttle means the account ran out.
  alarmOnThrottles(sendWorker, sendWorker, operatorTopic);

  // Confirm jobs: one `/subscribe` request each. A run takes seconds (its SES retries included) and
  // holds the address's attempt for 2 minutes (CONFIRM_LEASE_MS); a retry comes after 3, when a run
  // that died has certainly let go of it.
  const confirm = queueWithDlq(stack, "ConfirmQueue", Duration.minutes(3), deadLetters);
  const confirmWorker = new SstFunction(stack, "ConfirmWorker", {
    handler: "functions/confirm-worker.handler",
    timeout: "1 minute",
    environment: env,
    bind: [SIGNING_SECRET],
  });
  table.cdk.table.grantReadWriteData(confirmWorker);
  // It paces at SES_MAX_SEND_RATE: SendRawEmail only, no GetSendQuota.
  confirmWorker.attachPermissions(
    sesSendStatements(stack, settings.fromAddress).filter((s) => s.actions.includes("ses:SendRawEmail")),
  );
  withPublicBaseUrl(confirmWorker, stack, settings);
  confirm.addConsumer(stack, {
    function: confirmWorker,
    // One request per invocation, at most two at once (functions/confirm-worker.ts splits the rate).
    cdk: { eventSource: { batchSize: 1, maxConcurrency: 2, reportBatchItemFailures: true } },
  });
  suppressFunctionFindings(confirmWorker, "queue");
  allowWildcards(confirmWorker, [{ appliesTo: TABLE_INDEXES, reason: TABLE_INDEXES_REASON }]);

  // A send whose job died (or went to the dead-letter queue) is picked up again within 15 minutes;
  // locally the runtime does the same at start-up.
  const sendResume = new SstFunction(stack, "SendResume", {
    handler: "functions/send-resume.handler",
    timeout: "1 minute",
    environment: { ...env, SEND_QUEUE_URL: send.queueUrl },
    // EventBridge invokes it asynchronously: a run that fails Lambda's two retries waits here.
    deadLetterQueue: deadLetters.cdk.queue,
  });
  table.cdk.table.grantReadData(sendResume);
  send.cdk.queue.grantSendMessages(sendResume);
  const resumeCron = new Cron(stack, "ResumeSends", { schedule: "rate(15 minutes)", job: sendResume });
  suppressFunctionFindings(sendResume, "has-dlq");
  allowWildcards(sendResume, [{ appliesTo: TABLE_INDEXES, reason: TABLE_INDEXES_REASON }]);
  NagSuppressions.addResourceSuppressions(resumeCron.cdk.rule, [
    {
      id: "Serverless-EventBusDLQ",
      reason: "An idempotent sweep every 15 minutes: the next run resumes whatever a lost one would have.",
    },
  ]);
  // The sweep also counts the sends stuck for an hour (functions/send-resume.ts).
  // Its namespace is the app's name and its dimension the stage: what the function reads from
  // SST_APP and SST_STAGE.
  const app = stack.node.root as App;
  alarmOnStuckIssues(sendResume, { namespace: app.name, stage: app.stage }, operatorTopic);

  // SES publishes bounce and complaint notices here once the sender's identity (or a configuration
  // set) is pointed at the topic; a notice the function fails on (after Lambda's two retries) waits
  // in the app's dead-letter queue.
  const sesFeedback = new SstFunction(stack, "SesFeedback", {
    handler: "functions/ses-feedback.handler",
    timeout: "30 seconds",
    environment: env,
    deadLetterQueue: deadLetters.cdk.queue,
  });
  table.cdk.table.grantReadWriteData(sesFeedback);
  suppressFunctionFindings(sesFeedback, "has-dlq");
  allowWildcards(sesFeedback, [{ appliesTo: TABLE_INDEXES, reason: TABLE_INDEXES_REASON }]);
  // A notice SNS cannot deliver to the function (throttled, gone) waits there too instead of being
  // lost: bounces and complaints must suppress their address. The queue is referred to by ARN, so
  // CDK adds no queue policy naming this topic to the Storage stack (Storage would then depend on
  // this stack, which depends on it); Storage's own policy lets this topic send (queues.ts).
  const undelivered = SqsQueue.fromQueueArn(stack, "DeadLetterQueueForSns", deadLetters.queueArn);
  const feedbackTopic = new Topic(stack, SES_FEEDBACK_TOPIC_ID, {
    subscribers: {
      feedback: {
        function: sesFeedback,
        cdk: { subscription: { deadLetterQueue: undelivered } },
      },
    },
    cdk: { topic: { enforceSSL: true } },
  });
  feedbackTopic.cdk.topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal("ses.amazonaws.com")],
      actions: ["sns:Publish"],
      resources: [feedbackTopic.topicArn],
      conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
    }),
  );

  finishStack(stack, ops);
  stack.addOutputs({ SesFeedbackTopicArn: feedbackTopic.topicArn, FromAddress: settings.fromAddress });
  return { sendQueue: send, confirmQueue: confirm, feedbackTopic };
}
