/** The printed form of a cost model: one line per item, the totals, what dominates, the goal. */
import type { CostLine, CostResult } from "./model.js";
import type { Reference } from "./reference.js";

export const usd = (n: number): string => `$${n < 0.01 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;

const quantity = (n: number): string =>
  n >= 1000 ? Math.round(n).toLocaleString("en-US") : String(Math.round(n * 1000) / 1000);

const unitPrice = (l: CostLine): string =>
  `$${l.unitUsd}${l.per === 1 ? "" : ` per ${l.per.toLocaleString("en-US")}`} ${l.unit}${l.per === 1 ? "" : "s"}`;

/** `$0.1234  Service item: quantity unit at $price [source, as of] (basis)`. */
export function formatLine(l: CostLine): string {
  const tag = l.ses ? " (SES, apart)" : l.fixed ? " (fixed)" : "";
  return `${usd(l.usd).padStart(8)}  ${l.service} ${l.item}${tag}: ${quantity(l.quantity)} x ${unitPrice(l)} [${l.source}, ${l.asOf}] (${l.basis})`;
}

/** The compact summary (the JSON line's and the benchmark's). */
export function costSummary(r: CostResult) {
  const t = r.totals;
  const cents = (n: number) => Math.round(n * 100) / 100;
  return {
    monthlyUsdExSes: cents(t.monthlyUsdExSes),
    monthlyUsdWithSes: cents(t.monthlyUsdWithSes),
    sesUsd: cents(t.sesUsd),
    fixedUsd: cents(t.fixedUsd),
    usageUsd: cents(t.usageUsd),
    alarmsUsd: cents(t.alarmsUsd),
    monthlyUsdExSesWithoutAlarms: cents(t.monthlyUsdExSesWithoutAlarms),
    monthlyUsdExSesAfterFreeTier: cents(t.monthlyUsdExSesAfterFreeTier),
    goalUsd: t.goalUsd,
    withinGoal: t.withinGoal,
    alwaysOnResources: t.alwaysOnResources,
    dominant: `${r.dominant.line.service} ${r.dominant.line.item}`,
  };
}

export function formatCost(r: CostResult, ref: Reference, countsNote: string): string[] {
  const t = r.totals;
  const out = [
    `AWS cost of a reference month (us-east-1 list prices, no free tier): ${ref.sources} sources polled hourly, ${ref.subscribers.toLocaleString("en-US")} subscribers mailed weekly (${(Math.round(ref.issuesPerMonth * 100) / 100).toString()} issues), an editor ${(Math.round(ref.editorHoursPerMonth * 10) / 10).toString()} h a month; ${ref.hours} hours`,
    `counts: ${countsNote}`,
    ...[...r.lines].sort((a, b) => Number(a.ses) - Number(b.ses) || b.usd - a.usd).map(formatLine),
    "",
    `total without SES's per-message charge: ${usd(t.monthlyUsdExSes)}/month (fixed ${usd(t.fixedUsd)}: alarms and custom metric ${usd(t.alarmsUsd)}, idle queue polling; usage ${usd(t.usageUsd)})`,
    `total with SES: ${usd(t.monthlyUsdWithSes)}/month (SES ${usd(t.sesUsd)})`,
    `after the always-free allowances (Lambda, SQS, SNS, CloudWatch's 10 alarm metrics and 10 metrics, logs 5 GB, 100 GB out): ${usd(t.monthlyUsdExSesAfterFreeTier)}/month without SES`,
    `dominates: ${r.dominant.line.service} ${r.dominant.line.item}, ${usd(r.dominant.line.usd)} (${Math.round(r.dominant.share * 100)}% of the total without SES): ${r.dominant.why}`,
    `always-on resources in the templates (NAT gateway, provisioned concurrency or capacity, KMS keys, Secrets Manager secrets, ...): ${t.alwaysOnResources === 0 ? "none" : t.alwaysOnResources}; billed whatever the traffic: ${r.infra.alarms} alarms (${r.infra.alarmMetrics} alarm metrics), ${r.infra.customMetrics.length} custom metric(s), ${r.infra.sqsEventSources} SQS event sources' idle polling; free: ${r.infra.ssmParameters} standard SSM parameters, reserved concurrency, ${r.infra.scheduleRules.length} schedule rules, encryption with AWS-owned or S3-managed keys`,
    `goal (everything but SES under ${usd(t.goalUsd)}/month, nothing always on): ${t.withinGoal ? "met" : "not met"}: ${usd(t.monthlyUsdExSes)} with the alarms, ${usd(t.monthlyUsdExSesWithoutAlarms)} without them`,
    ...r.notes.map((n) => `note: ${n}`),
  ];
  return out;
}
