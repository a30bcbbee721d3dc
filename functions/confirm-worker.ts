/**
 * Sends the confirmation mail of each confirm job (a `/subscribe` request, see
 * packages/core/src/mail/confirm-job.ts). The event source runs at most INSTANCES of these
 * at once, one message each, and each paces at its share of SES_MAX_SEND_RATE, so together they
 * hold the rate. A job that throws (SES still busy, an account fault) is retried by SQS and, after
 * its last receive, kept as a dead letter the editor sees; its retries never count another attempt.
 */

import { runConfirmJob } from "@wkn/core/mail/confirm-job";
import { lambdaCtx } from "./lib/lambda-ctx.js";
import { sqsConsumer } from "./lib/sqs-consumer.js";

/** The event source's maxConcurrency (stacks/Mail.ts). */
const INSTANCES = 2;

const shared = await lambdaCtx();
const ctx = {
  ...shared,
  config: { ...shared.config, sesMaxSendRate: shared.config.sesMaxSendRate / INSTANCES },
};

export const handler = sqsConsumer(ctx, "confirm", async (job) => {
  const result = await runConfirmJob(ctx, job);
  ctx.log.info("confirm job done", { ...result });
});
