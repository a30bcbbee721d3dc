/** The AWS cost model of a reference month, from the templates and the request counts measured before it (issue 16, item 7): being written. */
import type { BenchReport, SummaryValue } from "./frame.js";

export async function benchCost(_before: Record<string, SummaryValue>): Promise<BenchReport> {
  return { summary: {}, lines: ["cost: not modelled yet"], budgets: [] };
}
