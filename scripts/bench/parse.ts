/**
 * Parse throughput (issue 16, item 6; DESIGN.md "Performance budget": ≥ 1.5× rss-parser's
 * documents per second over the shared corpus, at today's fidelity).
 *
 * Every document of the feedparser corpus (found and loaded as `npm run conformance` does:
 * conformance.ts `findCorpus`/`loadDocuments`) is read into memory first. Then whole-corpus
 * passes of our `parseFeed` and of rss-parser's `parseString` run side by side in one process:
 * a cold first pass of each (reported), warm-up passes (the JIT takes several passes over the
 * corpus's 2,106 small documents to settle, on either side; not measured), then measured passes
 * interleaved (ours, theirs, ours, theirs, …), so both sides see the same machine load. The
 * medians of the measured passes are compared: wall time (the budget), and the process's CPU
 * time per pass beside it (less moved by other work on a shared machine).
 *
 * - Ours gets what the poller gives it: the bytes, the Content-Type, the URL.
 * - rss-parser gets the bytes as a UTF-8 string (what its own `parseURL` does with a response),
 *   the conversion timed on its side. A document it throws on still counts as processed: the time
 *   is spent either way.
 * - `unhandled`: documents where ours threw anything but FeedError (a document that is not a feed,
 *   or one past the parse bounds). A structural budget: it must be 0.
 */
import { FeedError, parseFeed } from "@wkn/core/feed";
import { isParseLimitError } from "@wkn/core/parse/limits";
import Parser from "rss-parser";
import { findCorpus, type LoadedDocument, loadDocuments } from "../conformance.js";
import { type BenchReport, budget, cpuNow, ratio, round, table } from "./frame.js";

const GOAL = 1.5;
/** Passes per side after the cold one: unmeasured warm-up, then measured. */
const PASSES = { quick: { warmup: 8, measured: 3 }, full: { warmup: 8, measured: 15 } };

interface PassTime {
  ms: number;
  cpuMs: number;
}

interface Outcomes {
  /** Documents ours refused with FeedError (not a feed, past a bound). */
  rejected: number;
  /** Documents ours threw something else on. */
  unhandled: number;
  firstUnhandled: string | null;
}

/** One pass of ours over the corpus: its time and what came out. */
function oursPass(docs: LoadedDocument[]): PassTime & { outcomes: Outcomes } {
  const outcomes: Outcomes = { rejected: 0, unhandled: 0, firstUnhandled: null };
  let entries = 0;
  const cpu = cpuNow();
  const start = performance.now();
  for (const d of docs) {
    try {
      entries += parseFeed(d.input).entries.length;
    } catch (e) {
      if (e instanceof FeedError || isParseLimitError(e)) outcomes.rejected++;
      else {
        outcomes.unhandled++;
        outcomes.firstUnhandled ??= `${d.file}: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  }
  const ms = performance.now() - start;
  const cpuMs = cpuNow() - cpu;
  if (entries < 0) throw new Error("unreachable"); // keeps the results observable
  return { ms, cpuMs, outcomes };
}

/** One pass of rss-parser over the corpus: its time and how many documents it threw on. */
async function theirsPass(parser: Parser, docs: LoadedDocument[]): Promise<PassTime & { failed: number }> {
  let failed = 0;
  const cpu = cpuNow();
  const start = performance.now();
  for (const d of docs) {
    try {
      await parser.parseString(d.input.body.toString("utf8"));
    } catch {
      failed++;
    }
  }
  return { ms: performance.now() - start, cpuMs: cpuNow() - cpu, failed };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function benchParse(opts: { quick: boolean }): Promise<BenchReport> {
  const dir = findCorpus();
  if (!dir) {
    return {
      summary: { documents: 0 },
      lines: ["parse: the feedparser corpus was not found (../shared/conformance/feedparser): skipped"],
      budgets: [],
    };
  }
  const docs = loadDocuments(dir);
  const parser = new Parser();
  const n = docs.length;

  const coldOurs = oursPass(docs);
  const coldTheirs = await theirsPass(parser, docs);
  const passes = opts.quick ? PASSES.quick : PASSES.full;
  for (let i = 0; i < passes.warmup; i++) {
    oursPass(docs);
    await theirsPass(parser, docs);
  }
  const ours: PassTime[] = [];
  const theirs: PassTime[] = [];
  for (let i = 0; i < passes.measured; i++) {
    ours.push(oursPass(docs));
    theirs.push(await theirsPass(parser, docs));
  }

  const oursMs = median(ours.map((p) => p.ms));
  const theirsMs = median(theirs.map((p) => p.ms));
  const oursCpuMs = median(ours.map((p) => p.cpuMs));
  const theirsCpuMs = median(theirs.map((p) => p.cpuMs));
  const perSec = (ms: number) => (ms > 0 ? round((n * 1000) / ms, 0) : 0);
  const docsPerSec = perSec(oursMs);
  const docsPerSecRssParser = perSec(theirsMs);
  const speedup = ratio(theirsMs, oursMs) ?? 0; // = ours' docs/s ÷ rss-parser's
  const speedupCpu = ratio(theirsCpuMs, oursCpuMs) ?? 0;
  const { unhandled, rejected, firstUnhandled } = coldOurs.outcomes;
  const row = (name: string, cold: PassTime, warm: PassTime[], threw: number) => {
    const ms = warm.map((p) => p.ms);
    return [
      name,
      cold.ms,
      median(ms),
      Math.min(...ms),
      Math.max(...ms),
      median(warm.map((p) => p.cpuMs)),
      perSec(median(ms)),
      threw,
    ];
  };

  const lines = [
    ...table(
      [
        "parser",
        "cold pass ms",
        "warm pass ms (median)",
        "min",
        "max",
        "CPU ms (median)",
        "docs/s",
        "threw on",
      ],
      [
        row("ours (parseFeed)", coldOurs, ours, rejected),
        row("rss-parser", coldTheirs, theirs, coldTheirs.failed),
      ],
    ),
    `parse ratio: ours ${speedup}× rss-parser's documents per second (goal ≥ ${GOAL}×; by CPU time ${speedupCpu}×) ` +
      `over ${n} documents, median of ${ours.length} interleaved passes each after ${passes.warmup} warm-up; ` +
      `cold first pass ${round(coldOurs.ms, 0)} ms (rss-parser ${round(coldTheirs.ms, 0)} ms); ${unhandled} unhandled`,
  ];
  return {
    summary: {
      documents: n,
      docsPerSec,
      speedupVsRssParser: speedup,
      coldMs: round(coldOurs.ms, 1),
      coldMsRssParser: round(coldTheirs.ms, 1),
      docsPerSecRssParser,
      speedupByCpuTime: speedupCpu,
      measuredPasses: ours.length,
      warmupPasses: passes.warmup,
      rejected,
      unhandled,
      rssParserFailed: coldTheirs.failed,
    },
    lines,
    budgets: [
      budget(
        "parse: no unhandled exception over the corpus",
        unhandled === 0,
        unhandled === 0 ? "0 unhandled" : `${unhandled} unhandled, first: ${firstUnhandled}`,
      ),
      budget(
        `parse: ≥ ${GOAL}× rss-parser's documents per second`,
        speedup >= GOAL,
        `${speedup}× (median of ${ours.length} interleaved passes each)`,
        "ratio",
      ),
    ],
  };
}
