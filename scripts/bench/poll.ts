/**
 * Poll cycle (DESIGN.md "Performance budget"): N loopback feeds polled by the naive loop (fetch one,
 * parse, one PutItem per entry, next) and by our pipeline (`pollDue`), each on a fresh table, side
 * by side in one run:
 *
 * - first cycle: every entry is new to both;
 * - repeat cycle: nothing changed; our sources hold ETags, so every feed answers 304 and the
 *   budget is no item write and one small source update per source (the naive loop has no memory:
 *   it fetches, parses and writes everything again);
 * - changed cycle (ours only): every feed has one new entry on top; only that entry is written.
 *
 * Times are reported relative to the naive loop's; request counts come from the SDK's middleware.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Ctx } from "@wkn/core/context";
import { parseFeed } from "@wkn/core/feed";
import { candidateToItem, prepareCandidates } from "@wkn/core/items/candidates";
import { feedCandidate } from "@wkn/core/sources/adapters/feed";
import { createSource } from "@wkn/core/sources/manage";
import { type PollResult, pollDue } from "@wkn/core/sources/poll";
import { itemRecord } from "@wkn/core/store/items";
import { rawDbOf } from "@wkn/core/store/raw";
import { mapLimit } from "@wkn/core/util/concurrency";
import type { TestEnv } from "@wkn/testing";
import { countDynamo, type DynamoCounter, type RequestCounts } from "./dynamo-counter.js";
import { startFeedServer } from "./feed-server.js";
import { type BenchReport, budget, ratio, round, table, timed } from "./frame.js";

export interface PollBenchOptions {
  /** Simulated network before each DynamoDB request, on both sides (frame.ts `benchCtx`). */
  ddbLatencyMs: number;
  /** Smoke sizes: fewer passes where a benchmark repeats. */
  quick?: boolean;
  feeds: number;
  /** Entries per feed. */
  entries: number;
}

export interface PollSummary {
  [k: string]: number | null;
  feeds: number;
  entries: number;
  /** Time of our first cycle / the naive loop's. */
  ratio: number | null;
  /** Time of our repeat (304) cycle / the naive loop's repeat. */
  repeatRatio: number | null;
  writesNaive: number;
  writesOurs: number;
  itemWritesNaive: number;
  itemWritesOurs: number;
  readsOurs: number;
  repeatItemWrites: number;
  repeatWritesPerSource: number;
  repeatRequestsPerSource: number;
  /** Mean request body of a source update: repeat (304) cycle and first cycle. */
  repeatUpdateBytes: number;
  firstUpdateBytes: number;
  changedItemWrites: number;
  /** Ranking index entries written by the first cycle: one per new item (store/keys.ts itemOrder). */
  orderWritesOurs: number;
  changedWritesPerSource: number;
}

/** The naive loop: sequential, plain fetch, no conditional GET, no memory, no condition on the put. */
async function naiveCycle(ctx: Ctx, urls: string[], sourceId = "naive"): Promise<number> {
  const { doc, table: tableName } = rawDbOf(ctx.store);
  let written = 0;
  for (const url of urls) {
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
      written++;
    }
  }
  return written;
}

async function createFeedSources(ctx: Ctx, urls: string[]): Promise<void> {
  await mapLimit(urls, 8, (url, i) => createSource(ctx, { kind: "feed", url, id: `feed-${i}` }));
}

const statusCount = (results: PollResult[], status: PollResult["status"]) =>
  results.filter((r) => r.status === status).length;
const meanUpdateBytes = (c: RequestCounts) =>
  c.byOperation.UpdateItem ? round((c.bytesByOperation.UpdateItem ?? 0) / c.byOperation.UpdateItem, 0) : 0;
const requests = (c: RequestCounts) => c.reads + c.writes;

export async function benchPoll(env: TestEnv, opts: PollBenchOptions): Promise<BenchReport<PollSummary>> {
  const { feeds, entries } = opts;
  const server = await startFeedServer(feeds, entries);
  try {
    // Warm-up on throwaway tables: the JIT, the sockets and dynalite serve both sides alike afterwards.
    const warm = server.urls.slice(0, Math.min(10, feeds));
    await naiveCycle(await env.ctx(), warm);
    const warmOurs = await env.ctx();
    await createFeedSources(warmOurs, warm);
    await pollDue(warmOurs, { all: true });

    const naiveCtx = await env.ctx();
    const oursCtx = await env.ctx();
    await createFeedSources(oursCtx, server.urls);
    const naiveCount = countDynamo(rawDbOf(naiveCtx.store).doc);
    const oursCount = countDynamo(rawDbOf(oursCtx.store).doc);
    /** One cycle of one side: its time, its DynamoDB requests and what the feeds answered. */
    const cycle = async <T>(counter: DynamoCounter, run: () => Promise<T>) => {
      server.resetStats();
      counter.reset();
      const { ms, value } = await timed(run);
      return { ms, value, counts: counter.counts(), served: server.stats() };
    };

    const naive1 = await cycle(naiveCount, () => naiveCycle(naiveCtx, server.urls));
    const ours1 = await cycle(oursCount, () => pollDue(oursCtx, { all: true }));
    // Repeat cycle: nothing changed.
    const naive2 = await cycle(naiveCount, () => naiveCycle(naiveCtx, server.urls));
    const ours2 = await cycle(oursCount, () => pollDue(oursCtx, { all: true }));
    // Changed cycle: one new entry on top of every feed.
    server.publishNewEntry();
    const ours3 = await cycle(oursCount, () => pollDue(oursCtx, { all: true }));

    const newItems = ours1.value.reduce((n, r) => n + r.newItems, 0);
    const changedNew = ours3.value.reduce((n, r) => n + r.newItems, 0);
    const pollErrors = [...ours1.value, ...ours2.value, ...ours3.value].flatMap((r) =>
      r.status === "error" ? [`${r.sourceId}: ${r.error}`] : [],
    );
    const summary: PollSummary = {
      feeds,
      entries,
      ratio: ratio(ours1.ms, naive1.ms),
      repeatRatio: ratio(ours2.ms, naive2.ms),
      writesNaive: naive1.counts.writes,
      writesOurs: ours1.counts.writes,
      itemWritesNaive: naive1.counts.itemWrites,
      itemWritesOurs: ours1.counts.itemWrites,
      readsOurs: ours1.counts.reads,
      repeatItemWrites: ours2.counts.itemWrites,
      repeatWritesPerSource: round(ours2.counts.writes / feeds, 3),
      repeatRequestsPerSource: round(requests(ours2.counts) / feeds, 3),
      repeatUpdateBytes: meanUpdateBytes(ours2.counts),
      firstUpdateBytes: meanUpdateBytes(ours1.counts),
      changedItemWrites: ours3.counts.itemWrites,
      orderWritesOurs: ours1.counts.orderWrites,
      changedWritesPerSource: round(ours3.counts.writes / feeds, 3),
    };

    const row = (name: string, c: Awaited<ReturnType<typeof cycle>>) => [
      name,
      round(c.ms / naive1.ms, 2),
      c.counts.reads,
      c.counts.writes,
      c.counts.itemWrites,
      `${c.served.ok}/${c.served.notModified}`,
    ];
    const lines = [
      `poll cycle: ${feeds} loopback feeds x ${entries} entries, 5-20 ms latency each (time: naive first cycle = 1)`,
      ...table(
        ["cycle", "time", "DDB reads", "DDB writes", "item writes", "200/304"],
        [
          row("naive, first", naive1),
          row("ours, first", ours1),
          row("naive, repeat", naive2),
          row("ours, repeat (304)", ours2),
          row("ours, 1 new entry/feed", ours3),
        ],
      ),
      `poll ratio ours/naive: first cycle ${summary.ratio}, repeat cycle ${summary.repeatRatio}; ` +
        `repeat: ${summary.repeatItemWrites} item writes, ${summary.repeatRequestsPerSource} requests/source, ` +
        `update ${summary.repeatUpdateBytes} B (first cycle ${summary.firstUpdateBytes} B)`,
    ];

    return {
      summary,
      lines,
      budgets: [
        budget("poll: every poll succeeded", pollErrors.length === 0, pollErrors.slice(0, 3).join("; ")),
        budget(
          "poll: both sides stored every entry",
          newItems === feeds * entries && naive1.value === feeds * entries,
          `ours ${newItems}, naive ${naive1.value}, expected ${feeds * entries}`,
        ),
        budget(
          "poll: the repeat cycle is answered 304 everywhere",
          ours2.served.notModified === feeds && statusCount(ours2.value, "not_modified") === feeds,
          `${ours2.served.notModified} of ${feeds} feeds answered 304`,
        ),
        budget(
          "poll: the repeat cycle writes no items",
          summary.repeatItemWrites === 0,
          `${summary.repeatItemWrites} item writes`,
        ),
        budget(
          "poll: the repeat cycle costs one update per source",
          ours2.counts.writes === feeds && ours2.counts.byOperation.UpdateItem === feeds,
          `${ours2.counts.writes} writes for ${feeds} sources`,
        ),
        budget(
          "poll: each new item gets one ranking entry",
          ours1.counts.orderWrites === newItems,
          `${ours1.counts.orderWrites} ranking entries for ${newItems} new items`,
        ),
        budget(
          "poll: only new entries are written, one write each",
          ours1.counts.itemWrites === newItems && changedNew === feeds && summary.changedItemWrites === feeds,
          `first cycle ${ours1.counts.itemWrites} item writes for ${newItems} new items; ` +
            `changed cycle ${summary.changedItemWrites} for ${changedNew} (expected ${feeds})`,
        ),
      ],
    };
  } finally {
    await server.close();
  }
}
