/**
 * Sends that stopped moving: issues in "sending" or "paused" with no progress for an hour. The
 * resume sweep counts them and writes the count as a CloudWatch metric in Embedded Metric Format
 * (one JSON line on stdout: no SDK client, no request), which the operator's alarm watches.
 */
import type { Ctx } from "../context.js";
import type { IssueRecord } from "../store/issues.js";

export const STUCK_AFTER_MS = 60 * 60 * 1000;
export const STUCK_ISSUES_METRIC = "StuckIssues";

type Unfinished = Pick<IssueRecord, "number" | "status" | "updatedAt" | "pause">;

/**
 * An issue's last progress: its last change, the pause's time, or the send lease's expiry (a
 * running send renews it before each claim), whichever is latest.
 */
export function lastProgressMs(issue: Unfinished, leaseUntil: number | undefined): number {
  const times = [Date.parse(issue.updatedAt), issue.pause ? Date.parse(issue.pause.at) : 0, leaseUntil ?? 0];
  return Math.max(...times.filter((t) => Number.isFinite(t)));
}

export function isStuck(issue: Unfinished, leaseUntil: number | undefined, nowMs: number): boolean {
  return nowMs - lastProgressMs(issue, leaseUntil) > STUCK_AFTER_MS;
}

/** How many issues in "sending" or "paused" have made no progress for an hour. */
export async function countStuckIssues(ctx: Ctx): Promise<number> {
  const nowMs = ctx.now().getTime();
  const issues = [
    ...(await ctx.store.issues.listByStatus("sending")),
    ...(await ctx.store.issues.listByStatus("paused")),
  ];
  let stuck = 0;
  for (const issue of issues) {
    // the lease only matters when the issue's own times are old (one read, rarely more than one issue)
    if (!isStuck(issue, undefined, nowMs)) continue;
    const lease = issue.status === "sending" ? await ctx.store.deliveries.getLease(issue.number) : undefined;
    if (isStuck(issue, lease?.leaseUntil, nowMs)) stuck++;
  }
  return stuck;
}

/** One EMF log line: `count` as metric StuckIssues in `namespace`, with the given dimensions. */
export function stuckIssuesMetricLine(
  count: number,
  opts: { namespace: string; dimensions: Record<string, string>; timestamp: Date },
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: opts.timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: opts.namespace,
          Dimensions: [Object.keys(opts.dimensions)],
          Metrics: [{ Name: STUCK_ISSUES_METRIC, Unit: "Count" }],
        },
      ],
    },
    ...opts.dimensions,
    [STUCK_ISSUES_METRIC]: count,
  });
}
