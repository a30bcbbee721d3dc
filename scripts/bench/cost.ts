/**
 * The AWS cost of a reference month (issue 16, item 7), priced as `npm run cost` prices it
 * (scripts/cost/), fed with the DynamoDB request counts the poll, send and listing benchmarks
 * measured earlier in the same run (`before`); a figure missing there is the default of
 * scripts/cost/counts.ts, with a printed note. The templates are `npm run synth`'s (.build/synth/,
 * made again when missing or stale). Budget: everything but SES under the goal ($1/month); a
 * "ratio" budget, as it rests on estimates and list prices rather than on a count alone.
 */
import { countsFromSummaries } from "../cost/counts.js";
import { costSummary, formatLine, usd } from "../cost/format.js";
import { loadTemplates } from "../cost/load.js";
import { costModel } from "../cost/model.js";
import { REFERENCE } from "../cost/reference.js";
import { type BenchReport, budget, type SummaryValue } from "./frame.js";

export async function benchCost(before: Record<string, SummaryValue>): Promise<BenchReport> {
  const notes: string[] = [];
  const { templates } = await loadTemplates({ log: (l) => notes.push(l) });
  const { counts, notes: missing } = countsFromSummaries(before);
  const result = costModel(templates, counts, REFERENCE);
  const summary = costSummary(result);
  const t = result.totals;
  const top = [...result.lines]
    .filter((l) => !l.ses)
    .sort((a, b) => b.usd - a.usd)
    .slice(0, 5);
  const lines = [
    `cost model: ${REFERENCE.sources} sources hourly, ${REFERENCE.subscribers.toLocaleString("en-US")} subscribers weekly, editor 2 h/week; us-east-1 list prices (npm run cost prints every line); largest lines:`,
    ...notes.map((n) => `  ${n}`),
    ...missing.map((n) => `  note: ${n}`),
    ...top.map((l) => `  ${formatLine(l)}`),
    `cost ratio to the ${usd(t.goalUsd)} goal: ${Math.round((t.monthlyUsdExSes / t.goalUsd) * 100) / 100}; ` +
      `monthly ${usd(t.monthlyUsdExSes)} without SES, ${usd(t.monthlyUsdWithSes)} with SES ` +
      `(alarms ${usd(t.alarmsUsd)}; without them ${usd(t.monthlyUsdExSesWithoutAlarms)}; after the free tier ${usd(t.monthlyUsdExSesAfterFreeTier)}); ` +
      `dominates: ${summary.dominant}`,
  ];
  return {
    summary,
    lines,
    budgets: [
      budget(
        `cost: everything but SES under ${usd(t.goalUsd)}/month`,
        t.monthlyUsdExSes < t.goalUsd,
        `${usd(t.monthlyUsdExSes)}/month, the largest line ${summary.dominant}`,
        "ratio",
      ),
      budget(
        "cost: no always-on resource (NAT gateway, provisioned capacity or concurrency, KMS key, secret)",
        t.alwaysOnResources === 0,
        result.notes.filter((n) => n.startsWith("always-on")).join("; "),
      ),
    ],
  };
}
