/** The hourly cron: one poll job per due source, so each source is polled by its own SQS message. */
import { lambdaCtx, withInvocationId } from "@wkn/core/aws/lambda-ctx";
import { dueSourceIds } from "@wkn/core/sources/poll";

const ctx = await lambdaCtx();

export const handler = withInvocationId(async (): Promise<{ enqueued: number }> => {
  const ids = await dueSourceIds(ctx);
  const results = await Promise.allSettled(ids.map((sourceId) => ctx.jobs.enqueue("poll", { sourceId })));
  const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  ctx.log.info("poll jobs enqueued", { due: ids.length, failed: errors.length });
  // Failing the run makes EventBridge retry it; a source enqueued twice costs a conditional GET.
  if (errors.length > 0)
    throw new AggregateError(errors, `could not enqueue ${errors.length} of ${ids.length} poll jobs`);
  return { enqueued: ids.length };
});
