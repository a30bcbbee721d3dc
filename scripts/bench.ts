/**
 * `npm run bench -- [--quick] [--only poll,listing,send,parse,coldStart,cost] [--ddb-latency MS]
 *   [--feeds N] [--entries N] [--serial-feeds N] [--small-items N] [--items N] [--recipients N] [--rate N] [--high-rate N]`
 *
 * Performance benchmarks (issue 16, README "Performance"), one file each under scripts/bench/. The
 * machine is shared and noisy: each benchmark measures two ways of doing the same work side by
 * side in one run and prints their ratio, or counts (DynamoDB requests, messages, dollars); none
 * asserts an absolute time. The database is dynalite in a process of its own, every DynamoDB
 * request of both sides behind the same simulated latency (`--ddb-latency`, default 5 ms); feeds
 * are loopback servers, mail goes to the local SES endpoint.
 *
 * Each benchmark prints a small table and a ratio line. The last line is one JSON object with
 * every benchmark's summary (`{"poll":{...},"listing":{...},...}`) and how long each took
 * (`"seconds":{"poll":...,"total":...}`); the exit code is 1 when a
 * hard budget is broken (a structural one, or a goal's ratio).
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { TestEnv } from "@wkn/testing";
import { benchColdStart } from "./bench/cold-start.js";
import { benchCost } from "./bench/cost.js";
import { type DynamoProcess, startBenchDatabase } from "./bench/dynamo-process.js";
import { type BenchReport, type Budget, collectGarbage, type SummaryValue } from "./bench/frame.js";
import { benchListing } from "./bench/listing.js";
import { benchParse } from "./bench/parse.js";
import { benchPoll } from "./bench/poll.js";
import { benchSend } from "./bench/send.js";

export interface BenchSizes {
  /** The smoke sizes (`--quick`): benchmarks may also take fewer passes. */
  quick: boolean;
  /** Fixed latency before every DynamoDB request, on both sides of every benchmark (`--ddb-latency`). */
  ddbLatencyMs: number;
  feeds: number;
  entries: number;
  /** Feeds the naive serial loop visits; its times are scaled to `feeds` (poll.ts). */
  serialFeeds: number;
  /** The listing's two tables. */
  smallItems: number;
  items: number;
  recipients: number;
  /** The configured SES rate (messages/s) of the pacing run. */
  rate: number;
  /** The higher rate at which our sender and the naive one are compared. */
  highRate: number;
}

export const DEFAULT_SIZES: BenchSizes = {
  quick: false,
  ddbLatencyMs: 5,
  feeds: 1_000,
  entries: 20,
  serialFeeds: 256,
  smallItems: 1_000,
  items: 50_000,
  recipients: 2_000,
  rate: 200,
  highRate: 400,
};

/** Small sizes for a smoke test: every benchmark's structure, in well under two minutes. */
export const QUICK_SIZES: BenchSizes = {
  quick: true,
  ddbLatencyMs: 5,
  feeds: 40,
  entries: 20,
  // fewer than the feeds, so the smoke test goes through the serial loop's scaling too
  serialFeeds: 32,
  smallItems: 1_000,
  items: 6_000,
  recipients: 100,
  rate: 100,
  highRate: 200,
};

/** A benchmark: gets the sizes and the summaries of the benchmarks that ran before it. */
export type Benchmark = (
  env: TestEnv,
  s: BenchSizes,
  before: Record<string, SummaryValue>,
  /** The database's process the env runs on (dynamo-process.ts). */
  db: DynamoProcess,
) => Promise<BenchReport>;

/** The benchmarks, in the order they run; the summary line uses these names. */
export const BENCHMARKS: Record<string, Benchmark> = {
  poll: (_env, s) =>
    benchPoll({
      feeds: s.feeds,
      entries: s.entries,
      serialFeeds: s.serialFeeds,
      ddbLatencyMs: s.ddbLatencyMs,
    }),
  listing: (env, s) =>
    benchListing(env, { small: s.smallItems, large: s.items, ddbLatencyMs: s.ddbLatencyMs, quick: s.quick }),
  send: (env, s, _before, db) =>
    benchSend(env, {
      database: db,
      recipients: s.recipients,
      rate: s.rate,
      highRate: s.highRate,
      ddbLatencyMs: s.ddbLatencyMs,
      quick: s.quick,
    }),
  parse: (_env, s) => benchParse({ quick: s.quick }),
  coldStart: (_env, s) => benchColdStart({ quick: s.quick }),
  cost: (_env, _s, before) => benchCost(before),
};

export interface BenchRun {
  summary: Record<string, SummaryValue>;
  /** Every hard budget checked, kept or broken. */
  budgets: Budget[];
}

/** Runs the named benchmarks (all by default) on one dynalite; `print` gets every output line. */
export async function runBench(
  sizes: BenchSizes,
  opts: { only?: string[]; print?: (line: string) => void } = {},
): Promise<BenchRun> {
  const print = opts.print ?? (() => {});
  const names = opts.only?.length ? opts.only : Object.keys(BENCHMARKS);
  const summary: Record<string, SummaryValue> = {};
  const budgets: Budget[] = [];
  // How long each benchmark took, whole seconds: the full run's budget is ten minutes (issue 16).
  const seconds: Record<string, number> = {};
  const started = performance.now();
  for (const name of names) {
    const benchStarted = performance.now();
    const bench = BENCHMARKS[name];
    if (!bench) throw new Error(`unknown benchmark "${name}" (known: ${Object.keys(BENCHMARKS).join(", ")})`);
    // DynamoDB's own work happens in another process, as on the service (bench/dynamo-process.ts),
    // a fresh one per benchmark: dynalite keeps every table in one store, so a benchmark would
    // otherwise run on what the ones before it wrote (the send benchmark after 60,000 poll items
    // and a 50,000-item listing), which a table on the service does not feel.
    const db = await startBenchDatabase();
    // The garbage the benchmarks before left (the listing's 50,000 items) is not this one's to collect.
    collectGarbage();
    try {
      const report = await bench(db.env, sizes, summary, db.dynamo);
      for (const line of report.lines) print(line);
      for (const b of report.budgets) if (!b.ok) print(`BUDGET BROKEN (${b.kind}) ${b.name}: ${b.detail}`);
      budgets.push(...report.budgets);
      print("");
      summary[name] = report.summary;
    } finally {
      await db.close();
    }
    seconds[name] = Math.round((performance.now() - benchStarted) / 1000);
  }
  seconds.total = Math.round((performance.now() - started) / 1000);
  print(
    `ran in: ${Object.entries(seconds)
      .map(([name, s]) => `${name} ${s} s`)
      .join(", ")}`,
  );
  summary.seconds = seconds;
  return { summary, budgets };
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

export function sizesFromArgs(argv: string[]): { sizes: BenchSizes; only: string[] } {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      "ddb-latency": { type: "string" },
      "small-items": { type: "string" },
      feeds: { type: "string" },
      entries: { type: "string" },
      "serial-feeds": { type: "string" },
      items: { type: "string" },
      recipients: { type: "string" },
      rate: { type: "string" },
      "high-rate": { type: "string" },
    },
    strict: true,
  });
  const base = values.quick ? QUICK_SIZES : DEFAULT_SIZES;
  const latency = values["ddb-latency"];
  if (latency !== undefined && !(Number.isInteger(Number(latency)) && Number(latency) >= 0))
    throw new Error(`--ddb-latency must be a whole number of milliseconds, got "${latency}"`);
  const sizes: BenchSizes = {
    quick: base.quick,
    ddbLatencyMs: latency === undefined ? base.ddbLatencyMs : Number(latency),
    smallItems: positiveInt("small-items", values["small-items"], base.smallItems),
    feeds: positiveInt("feeds", values.feeds, base.feeds),
    entries: positiveInt("entries", values.entries, base.entries),
    serialFeeds: positiveInt("serial-feeds", values["serial-feeds"], base.serialFeeds),
    items: positiveInt("items", values.items, base.items),
    recipients: positiveInt("recipients", values.recipients, base.recipients),
    rate: positiveInt("rate", values.rate, base.rate),
    highRate: positiveInt("high-rate", values["high-rate"], base.highRate),
  };
  const only = values.only
    ? values.only
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  return { sizes, only };
}

async function main(argv: string[]): Promise<number> {
  const { sizes, only } = sizesFromArgs(argv);
  const { summary, budgets } = await runBench(sizes, { only, print: (l) => console.log(l) });
  const broken = budgets.filter((b) => !b.ok);
  console.log(
    broken.length
      ? `${broken.length} of ${budgets.length} hard budgets broken`
      : `all ${budgets.length} hard budgets kept`,
  );
  console.log(JSON.stringify(summary));
  return broken.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
