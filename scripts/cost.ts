/**
 * `npm run cost [-- --defaults] [--synth]`: the AWS cost of a reference month (issue 16, item 7):
 * 200 sources polled hourly, 10,000 subscribers mailed weekly, one editor two hours a week.
 *
 * What is deployed comes from the CloudFormation templates of `npm run synth` (.build/synth/, made
 * again when missing or older than the stacks; `--synth` forces it); the DynamoDB request counts
 * from the poll, listing and send benchmarks run here at small sizes (about 25 s; `--defaults`
 * takes the figures in scripts/cost/counts.ts instead); the rest from scripts/cost/reference.ts
 * and the prices from scripts/cost/prices.ts. One line per item, the totals with and without
 * SES's per-message charge, what dominates; the last line is one JSON object.
 */
import { parseArgs } from "node:util";
import { type Counts, countsFromSummaries, DEFAULT_COUNTS } from "./cost/counts.js";
import { costSummary, formatCost } from "./cost/format.js";
import { loadTemplates } from "./cost/load.js";
import { measureSummaries } from "./cost/measure.js";
import { costModel } from "./cost/model.js";
import { REFERENCE } from "./cost/reference.js";

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { defaults: { type: "boolean", default: false }, synth: { type: "boolean", default: false } },
    strict: true,
  });
  const { templates } = await loadTemplates({ force: values.synth, log: (l) => console.log(l) });
  let counts: Counts = DEFAULT_COUNTS;
  let note = "the defaults of scripts/cost/counts.ts (--defaults)";
  if (!values.defaults) {
    const measured = countsFromSummaries(await measureSummaries());
    counts = measured.counts;
    note = `measured now by the poll, listing and send benchmarks at small sizes${measured.notes.length ? `; ${measured.notes.join("; ")}` : ""}`;
  }
  note += ` (DynamoDB requests per poll 304/steady/first: ${r(counts.poll.repeat)}/${r(counts.poll.steady)}/${r(counts.poll.first)}; per recipient ${counts.sendRequestsPerRecipient}; per listing page ${counts.listingReadsPerPage})`;
  const result = costModel(templates, counts, REFERENCE);
  for (const line of formatCost(result, REFERENCE, note)) console.log(line);
  console.log(JSON.stringify(costSummary(result)));
}

const r = (c: { reads: number; writes: number }) => `${c.reads}r+${c.writes}w`;

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
