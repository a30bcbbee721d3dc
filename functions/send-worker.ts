/**
 * Sends an issue (one send job per issue). The event source runs at most two of these at once with
 * one message each, so the pacing inside runSend holds the account's SES rate; a retry resumes the
 * send and skips every recipient already claimed.
 */
import { lambdaCtx } from "@wkn/core/aws/lambda-ctx";
import { runSend } from "@wkn/core/mail/send";
import { jobParser } from "./lib/jobs.js";
import { sqsConsumer } from "./lib/sqs-consumer.js";

const ctx = await lambdaCtx();

export const handler = sqsConsumer(ctx.log, jobParser("send"), ({ issueNumber }) =>
  runSend(ctx, issueNumber),
);
