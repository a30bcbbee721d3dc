/** Cold start of each function's bundle against @aws-sdk/client-dynamodb alone (issue 16, item 3): being written. */
import type { BenchReport } from "./frame.js";

export async function benchColdStart(_opts: { quick: boolean }): Promise<BenchReport> {
  return { summary: {}, lines: ["coldStart: not measured yet"], budgets: [] };
}
