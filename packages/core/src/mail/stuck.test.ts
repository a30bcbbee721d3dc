import { describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import type { IssueRecord } from "../store/issues.js";
import { countStuckIssues, STUCK_AFTER_MS, stuckIssuesMetricLine } from "./stuck.js";

const NOW = Date.parse("2026-03-02T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const HOUR = STUCK_AFTER_MS;

type Issue = Pick<IssueRecord, "number" | "status" | "updatedAt" | "pause">;

/** Just what countStuckIssues reads: the issues by status and the send leases. */
function ctxWith(issues: Issue[], leases: Record<number, number> = {}) {
  const leaseReads: number[] = [];
  const ctx = {
    now: () => new Date(NOW),
    store: {
      issues: { listByStatus: async (s: string) => issues.filter((i) => i.status === s) },
      deliveries: {
        getLease: async (n: number) => {
          leaseReads.push(n);
          return n in leases ? { owner: "r", leaseUntil: leases[n]! } : undefined;
        },
      },
    },
  } as unknown as Ctx;
  return { ctx, leaseReads };
}

describe("countStuckIssues", () => {
  it("counts sending and paused issues with no progress for more than an hour", async () => {
    const { ctx } = ctxWith([
      { number: 1, status: "sending", updatedAt: ago(2 * HOUR) }, // stuck
      { number: 2, status: "sending", updatedAt: ago(10 * 60_000) }, // just started
      { number: 3, status: "paused", updatedAt: ago(3 * HOUR) }, // stuck
      {
        number: 4,
        status: "paused",
        updatedAt: ago(3 * HOUR),
        pause: { code: "x", reason: "x", at: ago(HOUR / 2) },
      },
      { number: 5, status: "sent", updatedAt: ago(5 * HOUR) }, // done
      { number: 6, status: "draft", updatedAt: ago(5 * HOUR) },
    ]);
    expect(await countStuckIssues(ctx)).toBe(2);
  });

  it("counts a long send as moving while its lease is renewed", async () => {
    const { ctx, leaseReads } = ctxWith(
      [
        { number: 7, status: "sending", updatedAt: ago(4 * HOUR) },
        { number: 8, status: "sending", updatedAt: ago(4 * HOUR) },
        { number: 9, status: "sending", updatedAt: ago(60_000) },
      ],
      { 7: NOW + 30_000, 8: NOW - 2 * HOUR },
    );
    expect(await countStuckIssues(ctx)).toBe(1); // issue 8: its run died two hours ago
    expect(leaseReads.sort()).toEqual([7, 8]); // a recent issue needs no lease read
  });

  it("is 0 with nothing unfinished, and just under an hour is not stuck", async () => {
    expect(await countStuckIssues(ctxWith([]).ctx)).toBe(0);
    const { ctx } = ctxWith([{ number: 1, status: "paused", updatedAt: ago(HOUR - 1000) }]);
    expect(await countStuckIssues(ctx)).toBe(0);
  });
});

describe("stuckIssuesMetricLine", () => {
  it("is one line of CloudWatch Embedded Metric Format naming the count and its dimensions", () => {
    const line = stuckIssuesMetricLine(3, {
      namespace: "weekly-ml-news",
      dimensions: { Stage: "prod" },
      timestamp: new Date(NOW),
    });
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [
          {
            Namespace: "weekly-ml-news",
            Dimensions: [["Stage"]],
            Metrics: [{ Name: "StuckIssues", Unit: "Count" }],
          },
        ],
      },
      Stage: "prod",
      StuckIssues: 3,
    });
  });
});
