/**
 * The request counts of `npm run cost`, measured: the poll, listing and send benchmarks of
 * `npm run bench` at small sizes (times are not used). Counts per page do not depend on the sizes;
 * per feed and per recipient a small run spreads its fixed requests (the due-sources Query, the
 * send's own records) over fewer feeds and recipients, so they come out a little high. About 25 s
 * on a quiet machine; `npm run cost -- --defaults` skips it.
 */

import type { SummaryValue } from "../bench/frame.js";
import type { BenchSizes } from "../bench.js";

/** Small enough for seconds, large enough that every benchmark's pages and cycles are whole. */
export const MEASURE_SIZES: BenchSizes = {
  quick: true,
  ddbLatencyMs: 1,
  feeds: 10,
  entries: 20,
  serialFeeds: 10,
  smallItems: 1_000,
  items: 1_000,
  recipients: 100,
  rate: 200,
  highRate: 400,
};

export async function measureSummaries(): Promise<Record<string, SummaryValue>> {
  const { runBench } = await import("../bench.js");
  const { summary } = await runBench(MEASURE_SIZES, { only: ["poll", "listing", "send"] });
  return summary;
}
