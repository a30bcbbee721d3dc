/** Parse throughput over the shared feedparser corpus against rss-parser (issue 16, item 6): being written. */
import type { BenchReport } from "./frame.js";

export async function benchParse(_opts: { quick: boolean }): Promise<BenchReport> {
  return { summary: {}, lines: ["parse: not measured yet"], budgets: [] };
}
