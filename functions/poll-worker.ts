/** Polls the source of each poll job (a source's own failure is recorded on it, not thrown). */

import { pollSource } from "@wkn/core/sources/poll";
import { lambdaCtx } from "./lib/lambda-ctx.js";
import { sqsConsumer } from "./lib/sqs-consumer.js";

const ctx = await lambdaCtx();

export const handler = sqsConsumer(ctx, "poll", async ({ sourceId }) => {
  const result = await pollSource(ctx, sourceId);
  ctx.log.info("source polled", { ...result });
});
