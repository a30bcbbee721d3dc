/** Polls the source of each poll job (a source's own failure is recorded on it, not thrown). */
import { lambdaCtx } from "@wkn/core/aws/lambda-ctx";
import { pollSource } from "@wkn/core/sources/poll";
import { sqsConsumer } from "./lib/sqs-consumer.js";

const ctx = await lambdaCtx();

export const handler = sqsConsumer(ctx, "poll", async ({ sourceId }) => {
  const result = await pollSource(ctx, sourceId);
  ctx.log.info("source polled", { ...result });
});
