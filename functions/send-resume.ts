/**
 * Every 15 minutes: an issue left in "sending" (its send job died, or ended in the dead-letter
 * queue) gets a new send job. A send that is still running holds its lease, so the extra job
 * finds it busy and does nothing. Then the count of issues stuck for an hour goes out as the
 * StuckIssues metric (the operator's alarm), under the app's name and the stage.
 */

import { resumeSends } from "@wkn/core/mail/send";
import { countStuckIssues, stuckIssuesMetricLine } from "@wkn/core/mail/stuck";
import { lambdaCtx, withInvocationId } from "./lib/lambda-ctx.js";

const ctx = await lambdaCtx();

export const handler = withInvocationId(async (): Promise<{ resumed: number[]; stuck: number }> => {
  const resumed = await resumeSends(ctx);
  if (resumed.length > 0) ctx.log.info("send jobs enqueued for unfinished sends", { issues: resumed });
  const stuck = await countStuckIssues(ctx);
  // Straight to stdout, as one line: CloudWatch reads the metric out of the log event.
  process.stdout.write(
    `${stuckIssuesMetricLine(stuck, {
      namespace: process.env.SST_APP ?? "weekly-ml-news",
      dimensions: { Stage: process.env.SST_STAGE ?? "unknown" },
      timestamp: ctx.now(),
    })}\n`,
  );
  return { resumed, stuck };
});
