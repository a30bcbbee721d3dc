/**
 * Every 15 minutes: an issue left in "sending" (its send job died, or ended in the dead-letter
 * queue) gets a new send job. A send that is still running holds its lease, so the extra job
 * finds it busy and does nothing.
 */
import { lambdaCtx, withInvocationId } from "@wkn/core/aws/lambda-ctx";
import { resumeSends } from "@wkn/core/mail/send";

const ctx = await lambdaCtx();

export const handler = withInvocationId(async (): Promise<{ resumed: number[] }> => {
  const resumed = await resumeSends(ctx);
  if (resumed.length > 0) ctx.log.info("send jobs enqueued for unfinished sends", { issues: resumed });
  return { resumed };
});
