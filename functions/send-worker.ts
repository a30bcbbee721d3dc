/**
 * Sends an issue (one send job per issue). The event source runs at most two of these at once with
 * one message each, so the pacing inside runSend holds the account's SES rate; a retry resumes the
 * send and skips every recipient already claimed. runSend stops claiming shortly before the
 * function's time limit and enqueues a continuation job (on this same queue) for the rest.
 */

import { runSend } from "@wkn/core/mail/send";
import { lambdaCtx } from "./lib/lambda-ctx.js";
import { sqsConsumer } from "./lib/sqs-consumer.js";

/** Time kept after the last claim for the messages in flight, the last settles and the continuation. */
const STOP_BEFORE_TIMEOUT_MS = 60_000;

const ctx = await lambdaCtx();

export const handler = sqsConsumer(ctx, "send", async ({ issueNumber }, _record, lambda) => {
  const deadline = ctx.now().getTime() + lambda.getRemainingTimeInMillis() - STOP_BEFORE_TIMEOUT_MS;
  const result = await runSend(ctx, issueNumber, { deadline });
  ctx.log.info("send job done", { issue: issueNumber, status: result.status });
});
