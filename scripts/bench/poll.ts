/**
 * Poll cycle (DESIGN.md "Performance budget"): N loopback feeds (5-20 ms each) polled by three
 * pollers, each on a database process of its own, every DynamoDB request of each behind the same
 * simulated latency (`--ddb-latency`), side by side in one run:
 *
 * - naive: the loop a first version would be (fetch one feed, parse, one PutItem per entry, next);
 * - naiveConcurrent: the same loop per feed, run over the feeds at our concurrency
 *   (`POLL_CONCURRENCY`), so what the design gains apart from concurrency shows;
 * - ours: `pollDue`.
 *
 * Cycles: first (every entry new), steady (one new entry on top of every feed), repeat (nothing
 * changed: our sources hold ETags, so every feed answers 304; the naive loop has no memory, every
 * cycle of it is a full one, so its steady cycle is also what it pays for a repeat).
 *
 * The serial loop visits the first `serialFeeds` feeds (256 by default: each of the feed server's
 * 16 latencies 16 times, as in the whole set) and its times are scaled to every feed. One feed
 * after another, its time is the sum of theirs; over all 1,000 it took two cycles of 190 s, most
 * of the full run's ten-minute budget. Its database then holds a quarter of the items, which if
 * anything makes each of its writes cheaper, so the speedups over it are not overstated.
 *
 * Times are ratios to the naive loop's; request counts come from the SDK's middleware stack; peak
 * RSS is sampled in this process while ours polls, from a collected heap (the database runs in a
 * process of its own; the feed server and the naive sides' code live here too, so it is an upper bound).
 *
 * Why a database per side: dynalite keeps every table in one sorted store, so a side that ran
 * after the others' 20,000 items (and their index entries) paid for their size on every write;
 * on the service a table's speed does not depend on what other tables hold. Each side's database
 * CPU is shown: dynalite does one request's work at a time on one core, where the service spreads
 * it over partitions, so a side whose own work is small ends up waiting on it.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Ctx } from "@wkn/core/context";
import { parseFeed } from "@wkn/core/feed";
import { candidateToItem, prepareCandidates } from "@wkn/core/items/candidates";
import { feedCandidate } from "@wkn/core/sources/adapters/feed";
import { createSource } from "@wkn/core/sources/manage";
import { POLL_CONCURRENCY, type PollResult, pollDue } from "@wkn/core/sources/poll";
import { itemRecord } from "@wkn/core/store/items";
import { rawDbOf } from "@wkn/core/store/raw";
import { mapLimit } from "@wkn/core/util/concurrency";
import { countDynamo, type DynamoCounter, type RequestCounts } from "./dynamo-counter.js";
import { startBenchDatabase } from "./dynamo-process.js";
import { startFeedServer } from "./feed-server.js";
import {
  type BenchReport,
  benchCtx,
  budget,
  collectGarbage,
  cpuNow,
  ratio,
  round,
  table,
  timed,
} from "./frame.js";

export interface PollBenchOptions {
  /** Simulated network before each DynamoDB request, on both sides (frame.ts `benchCtx`). */
  ddbLatencyMs: number;
  /** Smoke sizes: fewer passes where a benchmark repeats. */
  quick?: boolean;
  feeds: number;
  /** Entries per feed. */
  entries: number;
  /** Feeds the naive serial loop visits, its times scaled to `feeds` (default: every feed). */
  serialFeeds?: number;
}

/** The goals (issue 16): speedups over the naive loops, requests per feed, memory. */
export const POLL_GOALS = {
  speedupVsNaive: 10,
  speedupVsNaiveConcurrent: 2,
  steadySpeedup: 20,
  steadyRequestsPerFeed: 2,
  repeatRequestsPerFeed: 1.05,
  peakRssMB: 300,
} as const;

export interface PollSummary {
  [k: string]: number | null;
  feeds: number;
  entries: number;
  /** First cycle: the naive serial loop's time / ours, and the naive loop at our concurrency's / ours. */
  speedupVsNaive: number | null;
  speedupVsNaiveConcurrent: number | null;
  /** Steady cycle (one new entry per feed): the naive serial loop's time / ours, and at our concurrency. */
  steadySpeedup: number | null;
  steadySpeedupVsNaiveConcurrent: number | null;
  /** DynamoDB requests of our cycles per feed (the due-sources Query included). */
  firstRequestsPerFeed: number;
  steadyRequestsPerFeed: number;
  repeatRequestsPerFeed: number;
  repeatItemWrites: number;
  /** Highest RSS of this process while ours polled (MB). */
  peakRssMB: number;
  /** CPU time of our database process / our time, first cycle: how much of it the database was busy. */
  firstDbBusy: number | null;
  /** The same for the naive loop at our concurrency. */
  naiveConcurrentDbBusy: number | null;
  /** Time of our first cycle / the naive serial loop's (the inverse of speedupVsNaive). */
  ratio: number | null;
  /** Time of our repeat (304) cycle / the naive serial loop's second cycle. */
  repeatRatio: number | null;
  /** Feeds the naive serial loop visited (its times are scaled to `feeds`; its counts are these feeds'). */
  serialFeeds: number;
  writesNaive: number;
  writesOurs: number;
  itemWritesNaive: number;
  itemWritesOurs: number;
  readsOurs: number;
  repeatWritesPerSource: number;
  repeatRequestsPerSource: number;
  /** Mean request body of a source update: repeat (304) cycle and first cycle. */
  repeatUpdateBytes: number;
  firstUpdateBytes: number;
  /** The steady cycle's item writes (one per new entry) and writes per source. */
  changedItemWrites: number;
  changedWritesPerSource: number;
  /** Ranking pointer records written by the first cycle: none, the ranking is on the item record. */
  orderWritesOurs: number;
}

/** The naive loop over one feed: plain fetch, no conditional GET, no memory, one PutItem per entry. */
async function naiveFeed(ctx: Ctx, url: string, sourceId: string): Promise<number> {
  const { doc, table: tableName } = rawDbOf(ctx.store);
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  const feed = parseFeed({ body, contentType: res.headers.get("content-type") ?? undefined, url: res.url });
  const now = ctx.now();
  const { prepared } = prepareCandidates(
    feed.entries.flatMap((e) => (e.url ? [feedCandidate({ ...e, url: e.url }, feed)] : [])),
  );
  for (const p of prepared) {
    await doc.send(
      new PutCommand({ TableName: tableName, Item: itemRecord(candidateToItem(p, sourceId, now)) }),
    );
  }
  return prepared.length;
}

/** The naive loop over every feed, one after another (`concurrency` 1) or `concurrency` at once. */
async function naiveCycle(ctx: Ctx, urls: string[], concurrency = 1): Promise<number> {
  const counts = await mapLimit(urls, concurrency, (url, i) => naiveFeed(ctx, url, `naive-${i}`));
  return counts.reduce((a, b) => a + b, 0);
}

async function createFeedSources(ctx: Ctx, urls: string[]): Promise<void> {
  await mapLimit(urls, 8, (url, i) => createSource(ctx, { kind: "feed", url, id: `feed-${i}` }));
}

/** Samples this process's RSS while `run` runs, from a collected heap; the highest value seen, in MB. */
async function peakRss<T>(run: () => Promise<T>): Promise<{ value: T; peakMB: number }> {
  collectGarbage();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakMB: round(peak / 2 ** 20, 1) };
  } finally {
    clearInterval(timer);
  }
}

const statusCount = (results: PollResult[], status: PollResult["status"]) =>
  results.filter((r) => r.status === status).length;
const meanUpdateBytes = (c: RequestCounts) =>
  c.byOperation.UpdateItem ? round((c.bytesByOperation.UpdateItem ?? 0) / c.byOperation.UpdateItem, 0) : 0;
const requests = (c: RequestCounts) => c.reads + c.writes;
const speedup = (theirs: number, ours: number) => ratio(theirs, ours);

/** One side's database: a dynalite process of its own, and contexts on tables in it. */
type SideDatabase = Awaited<ReturnType<typeof startBenchDatabase>>;

export async function benchPoll(opts: PollBenchOptions): Promise<BenchReport<PollSummary>> {
  const { feeds, entries, ddbLatencyMs } = opts;
  const server = await startFeedServer(feeds, entries);
  const serialUrls = server.urls.slice(0, Math.min(feeds, opts.serialFeeds ?? feeds));
  const serialScale = feeds / serialUrls.length;
  const dbs: SideDatabase[] = [];
  try {
    for (let i = 0; i < 3; i++) dbs.push(await startBenchDatabase());
    const [naiveDb, concurrentDb, oursDb] = dbs as [SideDatabase, SideDatabase, SideDatabase];
    // Warm-up on throwaway tables: the JIT, the sockets and each database serve every side alike afterwards.
    const warm = server.urls.slice(0, Math.min(10, feeds));
    const ctxOf = (db: SideDatabase) => benchCtx(db.env, ddbLatencyMs);
    for (const db of [naiveDb, concurrentDb]) await naiveCycle(await ctxOf(db), warm, POLL_CONCURRENCY);
    const warmOurs = await ctxOf(oursDb);
    await createFeedSources(warmOurs, warm);
    await pollDue(warmOurs, { all: true });

    const naiveCtx = await ctxOf(naiveDb);
    const concurrentCtx = await ctxOf(concurrentDb);
    const oursCtx = await ctxOf(oursDb);
    await createFeedSources(oursCtx, server.urls);
    const naiveCount = countDynamo(rawDbOf(naiveCtx.store).doc);
    const concurrentCount = countDynamo(rawDbOf(concurrentCtx.store).doc);
    const oursCount = countDynamo(rawDbOf(oursCtx.store).doc);
    let peakMB = 0;
    /** One cycle of one side: its time, its DynamoDB requests and what the feeds answered. */
    const cycle = async <T>(counter: DynamoCounter, db: SideDatabase, run: () => Promise<T>) => {
      server.resetStats();
      counter.reset();
      const cpu = cpuNow();
      const dbCpu = db.dynamo.cpuMs();
      const { ms, value } = await timed(run);
      const cpuMs = cpuNow() - cpu;
      const dbCpuAfter = db.dynamo.cpuMs();
      return {
        ms,
        value,
        counts: counter.counts(),
        served: server.stats(),
        cpuMs,
        dbCpuMs: dbCpu === null || dbCpuAfter === null ? null : dbCpuAfter - dbCpu,
      };
    };
    const ours = () =>
      cycle(oursCount, oursDb, async () => {
        const r = await peakRss(() => pollDue(oursCtx, { all: true }));
        peakMB = Math.max(peakMB, r.peakMB);
        return r.value;
      });
    /** The serial loop over its feeds, its times scaled to every feed (counts are as measured). */
    const naive = async () => {
      const c = await cycle(naiveCount, naiveDb, () => naiveCycle(naiveCtx, serialUrls));
      const dbCpuMs = c.dbCpuMs === null ? null : c.dbCpuMs * serialScale;
      return { ...c, ms: c.ms * serialScale, cpuMs: c.cpuMs * serialScale, dbCpuMs };
    };
    const concurrent = () =>
      cycle(concurrentCount, concurrentDb, () => naiveCycle(concurrentCtx, server.urls, POLL_CONCURRENCY));

    const naive1 = await naive();
    const conc1 = await concurrent();
    const ours1 = await ours();
    // Steady cycle: one new entry on top of every feed.
    server.publishNewEntry();
    const naive2 = await naive();
    const conc2 = await concurrent();
    const ours2 = await ours();
    // Repeat cycle: nothing changed (our sources hold ETags: 304 everywhere).
    const ours3 = await ours();

    const newItems = ours1.value.reduce((n, r) => n + r.newItems, 0);
    const steadyNew = ours2.value.reduce((n, r) => n + r.newItems, 0);
    const pollErrors = [...ours1.value, ...ours2.value, ...ours3.value].flatMap((r) =>
      r.status === "error" ? [`${r.sourceId}: ${r.error}`] : [],
    );
    const perFeed = (c: RequestCounts) => round(requests(c) / feeds, 3);
    const summary: PollSummary = {
      feeds,
      entries,
      speedupVsNaive: speedup(naive1.ms, ours1.ms),
      speedupVsNaiveConcurrent: speedup(conc1.ms, ours1.ms),
      steadySpeedup: speedup(naive2.ms, ours2.ms),
      steadySpeedupVsNaiveConcurrent: speedup(conc2.ms, ours2.ms),
      firstRequestsPerFeed: perFeed(ours1.counts),
      steadyRequestsPerFeed: perFeed(ours2.counts),
      repeatRequestsPerFeed: perFeed(ours3.counts),
      repeatItemWrites: ours3.counts.itemWrites,
      peakRssMB: peakMB,
      firstDbBusy: ours1.dbCpuMs === null ? null : round(ours1.dbCpuMs / ours1.ms, 2),
      naiveConcurrentDbBusy: conc1.dbCpuMs === null ? null : round(conc1.dbCpuMs / conc1.ms, 2),
      ratio: ratio(ours1.ms, naive1.ms),
      repeatRatio: ratio(ours3.ms, naive2.ms),
      serialFeeds: serialUrls.length,
      writesNaive: naive1.counts.writes,
      writesOurs: ours1.counts.writes,
      itemWritesNaive: naive1.counts.itemWrites,
      itemWritesOurs: ours1.counts.itemWrites,
      readsOurs: ours1.counts.reads,
      repeatWritesPerSource: round(ours3.counts.writes / feeds, 3),
      repeatRequestsPerSource: perFeed(ours3.counts),
      repeatUpdateBytes: meanUpdateBytes(ours3.counts),
      firstUpdateBytes: meanUpdateBytes(ours1.counts),
      changedItemWrites: ours2.counts.itemWrites,
      changedWritesPerSource: round(ours2.counts.writes / feeds, 3),
      orderWritesOurs: ours1.counts.orderWrites,
    };

    const row = (name: string, c: Awaited<ReturnType<typeof cycle>>, visited = feeds) => [
      name,
      round(c.ms / naive1.ms, 3),
      round(c.cpuMs / naive1.ms, 3),
      c.dbCpuMs === null ? "?" : round(c.dbCpuMs / naive1.ms, 3),
      c.counts.reads,
      c.counts.writes,
      round(requests(c.counts) / visited, 2),
      c.counts.itemWrites,
      `${c.served.ok}/${c.served.notModified}`,
    ];
    const sampled = serialScale === 1 ? "" : ` (${serialUrls.length} feeds, time x${round(serialScale, 2)})`;
    const lines = [
      `poll cycle: ${feeds} loopback feeds x ${entries} entries, 5-20 ms latency each, ${ddbLatencyMs} ms per DynamoDB request, each side's database in a process of its own (time and CPU: naive serial first cycle = 1)` +
        (serialScale === 1
          ? ""
          : `; the serial loop visits the first ${serialUrls.length} feeds (every latency alike) and its times are scaled to ${feeds}, its counts are its own`),
      ...table(
        [
          "cycle",
          "time",
          "CPU here",
          "DB CPU",
          "DDB reads",
          "DDB writes",
          "req/feed",
          "item writes",
          "200/304",
        ],
        [
          row(`naive serial, first${sampled}`, naive1, serialUrls.length),
          row(`naive x${POLL_CONCURRENCY}, first`, conc1),
          row("ours, first", ours1),
          row(`naive serial, steady${sampled}`, naive2, serialUrls.length),
          row(`naive x${POLL_CONCURRENCY}, steady`, conc2),
          row("ours, steady (1 new/feed)", ours2),
          row("ours, repeat (304)", ours3),
        ],
      ),
      `poll ratio: first cycle x${summary.speedupVsNaive} vs naive serial, x${summary.speedupVsNaiveConcurrent} vs naive x${POLL_CONCURRENCY}; ` +
        `steady x${summary.steadySpeedup} (${summary.steadyRequestsPerFeed} requests/feed); ` +
        `repeat ${summary.repeatRequestsPerFeed} requests/feed, ${summary.repeatItemWrites} item writes, ` +
        `update ${summary.repeatUpdateBytes} B (first cycle ${summary.firstUpdateBytes} B); peak RSS ${summary.peakRssMB} MB`,
      `poll database: busy ${summary.firstDbBusy} of our first cycle, ${summary.naiveConcurrentDbBusy} of naive x${POLL_CONCURRENCY}'s (one core, one request's work at a time)`,
    ];

    const goal = (name: keyof typeof POLL_GOALS, value: number | null, atLeast: boolean) =>
      budget(
        `poll: ${name} ${atLeast ? "≥" : "≤"} ${POLL_GOALS[name]}`,
        value !== null && (atLeast ? value >= POLL_GOALS[name] : value <= POLL_GOALS[name]),
        `measured ${value}`,
        // Request counts are the same on any machine; times and memory are measured.
        name.endsWith("RequestsPerFeed") ? "structural" : "ratio",
      );
    return {
      summary,
      lines,
      budgets: [
        budget("poll: every poll succeeded", pollErrors.length === 0, pollErrors.slice(0, 3).join("; ")),
        budget(
          "poll: every side stored every entry",
          newItems === feeds * entries &&
            naive1.value === serialUrls.length * entries &&
            conc1.value === feeds * entries,
          `ours ${newItems}, naive ${naive1.value} (of ${serialUrls.length * entries}), naive concurrent ${conc1.value}, expected ${feeds * entries}`,
        ),
        budget(
          "poll: the repeat cycle is answered 304 everywhere",
          ours3.served.notModified === feeds && statusCount(ours3.value, "not_modified") === feeds,
          `${ours3.served.notModified} of ${feeds} feeds answered 304`,
        ),
        budget(
          "poll: the repeat cycle writes no items",
          summary.repeatItemWrites === 0,
          `${summary.repeatItemWrites} item writes`,
        ),
        budget(
          "poll: the repeat cycle costs one update per source",
          ours3.counts.writes === feeds && ours3.counts.byOperation.UpdateItem === feeds,
          `${ours3.counts.writes} writes for ${feeds} sources`,
        ),
        budget(
          "poll: a new item is one write, its ranking included",
          ours1.counts.itemWrites === newItems && ours1.counts.orderWrites === 0,
          `${ours1.counts.itemWrites} item writes and ${ours1.counts.orderWrites} pointer writes for ${newItems} new items`,
        ),
        budget(
          "poll: the steady cycle writes only the new entries, one write each",
          steadyNew === feeds && summary.changedItemWrites === feeds,
          `${summary.changedItemWrites} item writes for ${steadyNew} new entries (expected ${feeds})`,
        ),
        goal("speedupVsNaive", summary.speedupVsNaive, true),
        goal("speedupVsNaiveConcurrent", summary.speedupVsNaiveConcurrent, true),
        goal("steadySpeedup", summary.steadySpeedup, true),
        goal("steadyRequestsPerFeed", summary.steadyRequestsPerFeed, false),
        goal("repeatRequestsPerFeed", summary.repeatRequestsPerFeed, false),
        goal("peakRssMB", summary.peakRssMB, false),
      ],
    };
  } finally {
    await server.close();
    await Promise.all(dbs.map((db) => db.close()));
  }
}
