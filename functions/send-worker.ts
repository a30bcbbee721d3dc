/**
 * Sends an issue (one send job per issue). The event source runs at most two of these at once with
 * one message each, so the pacing inside runSend holds the account's SES rate; a retry resumes the
 * send and skips every recipient already claimed. runSend stops claiming shortly before the
 * function's time limit and enqueues a continuation job for the rest.
 */
import { lambdaCtx } from "@wkn/core/aws/lambda-ctx";
import { runSend } from "@wkn/core/mail/send";
import type { Context, SQSEvent } from "aws-lambda";
import { jobParser } from "./lib/jobs.js";
import { sqsConsumer } from "./lib/sqs-consumer.js";

/** Time kept after the last claim for the messages in flight, the last settles and the continuation. */
const STOP_BEFORE_TIMEOUT_MS = 60_000;

const ctx = await lambdaCtx();
const parse = jobParser("send");

export const handler = (event: SQSEvent, context: Context) =>
  sqsConsumer(ctx.log, parse, ({ issueNumber }) =>
    runSend(ctx, issueNumber, {
      deadline: Date.now() + context.getRemainingTimeInMillis() - STOP_BEFORE_TIMEOUT_MS,
    }),
  )(event);
