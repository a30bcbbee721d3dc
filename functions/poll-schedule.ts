/** The hourly cron: one poll job per due source (packages/core/src/sources/tick.ts). */

import { pollTick } from "@wkn/core/sources/tick";
import { lambdaCtx, withInvocationId } from "./lib/lambda-ctx.js";

const ctx = await lambdaCtx();

export const handler = withInvocationId(async (): Promise<{ enqueued: number }> => {
  const { due, errors, rescored } = await pollTick(ctx);
  ctx.log.info("poll jobs enqueued", { due, failed: errors.length, rescored });
  // Failing the run makes EventBridge retry it; a source enqueued twice costs a conditional GET.
  if (errors.length > 0)
    throw new AggregateError(errors, `could not enqueue ${errors.length} of ${due} poll jobs`);
  return { enqueued: due };
});
