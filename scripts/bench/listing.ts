/**
 * Listing cost (DESIGN.md: "Listing candidates is a Query on an index, the same cost at 1,000 or
 * 50,000 items"), at a small and a large table (fresh tables seeded with BatchWrite through the
 * store's `itemRecord`, so index keys and search text are right):
 *
 * 1. Request counts: the editor's listings (`listItems`) a few pages deep, counting DynamoDB read
 *    requests and the items they read per page: the same at both sizes (structural budget).
 * 2. Latency through the API (`app.request()` with the editor token, as route tests do), with
 *    `ddbLatencyMs` before each DynamoDB request (added after seeding, so seeding stays fast):
 *    p50 and p95 of `GET /api/items?status=new` and of the ranked `GET /api/items?status=new&sort=score`,
 *    each at its first page and at a deep page (page `deepPage`, reached by following `nextCursor`;
 *    only that page's request is timed). The two sizes' samples are interleaved (one of each in
 *    turn, which goes first alternating) so noise on the shared machine hits both alike.
 *
 * Summary keys: `p50Ms1k`/`p95Ms1k` and `p50Ms50k`/`p95Ms50k` are the first page of `status=new`
 * on the small ("1k") and the large ("50k") table (their sizes are `small` and `large`);
 * `deep*`, `ranked*` and `rankedDeep*` the same for the other three cases. `p95Ratio` is the
 * WORST large/small p95 ratio of the four cases (first page and deep page, by date and ranked),
 * the figure the budget (≤ 1.5, a ratio budget) judges; `firstP95Ratio` is the first page's alone.
 */

import type { Ctx } from "@wkn/core/context";
import { type ListItemsInput, listItems } from "@wkn/core/items/list";
import { scoreOf } from "@wkn/core/items/score";
import { testItem } from "@wkn/core/items/testing";
import type { Item, ItemStatus } from "@wkn/core/model";
import { batchPutAll } from "@wkn/core/store/batch";
import { itemRecord } from "@wkn/core/store/items";
import { rawDbOf } from "@wkn/core/store/raw";
import { mapLimit } from "@wkn/core/util/concurrency";
import type { TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { countDynamo, type DynamoCounter } from "./dynamo-counter.js";
import { addLatency, type BenchReport, budget, ratio, round, table } from "./frame.js";

export interface ListingBenchOptions {
  /** Simulated network before each DynamoDB request (frame.ts `addLatency`), added after seeding. */
  ddbLatencyMs: number;
  /** Smoke sizes: fewer timed samples. */
  quick?: boolean;
  /** Items in the small and the large table. */
  small: number;
  large: number;
  /** Page size (the API's default is 50). */
  limit?: number;
  /** Timed requests per case and size (default 100; quick 20). */
  samples?: number;
  /** The deep page that is timed (default 10). */
  deepPage?: number;
}

const SOURCES = 4;
const BASE = Date.UTC(2026, 0, 5, 12);
const NOW = new Date(BASE);
/** The API's page size when `limit` is not given (items/list.ts DEFAULT_LIST_LIMIT). */
const API_DEFAULT_LIMIT = 50;
/** Maximum allowed large/small p95 ratio (issue 16, item 5). */
export const P95_RATIO_BUDGET = 1.5;

/**
 * Item `i` of a table: newest first by i; 8 in 10 "new", 1 "selected", 1 "rejected"; every fifth a
 * release; four sources in turn. Item i is the same in both tables, so both list the same pages by
 * date. Each has a score (items/score.ts `scoreOf`) with varied editor and learned weights, so the
 * ranked order is not the date order (and the large table's top ranks hold items the small one lacks).
 */
export function seedItem(i: number): Item {
  const statuses: ItemStatus[] = [
    "new",
    "new",
    "new",
    "new",
    "new",
    "new",
    "new",
    "new",
    "selected",
    "rejected",
  ];
  const item = testItem(`https://site${i % 50}.example/posts/${i}`, {
    title: `Post ${i}: a note on evaluation`,
    description: `Item ${i} of the listing benchmark.`,
    kind: i % 5 === 0 ? "release" : "article",
    status: statuses[i % 10]!,
    sourceIds: [`src-${i % SOURCES}`],
    publishedAt: new Date(BASE - i * 60_000).toISOString(),
    discoveredAt: new Date(BASE).toISOString(),
  });
  const weights = { editor: ((i * 37) % 7) - 3, learned: (((i * 13) % 41) - 20) / 10 };
  return { ...item, ...scoreOf(item, weights, NOW) };
}

/** What is counted (request counts): named listings, `pages` pages deep each. */
const LISTINGS: { name: string; input: ListItemsInput; pages: number; samePages: boolean }[] = [
  { name: "status=new", input: { status: "new" }, pages: 3, samePages: true },
  { name: "status=selected", input: { status: "selected" }, pages: 1, samePages: true },
  {
    name: "status=new&kind=release",
    input: { status: "new", kind: "release" },
    pages: 1,
    samePages: true,
  },
  {
    name: "status=new&sourceId=src-1",
    input: { status: "new", sourceId: "src-1" },
    pages: 1,
    samePages: true,
  },
  // Ranked: the large table's top items are others than the small one's, so only the cost compares.
  { name: "status=new&sort=score", input: { status: "new", sort: "score" }, pages: 3, samePages: false },
];

/** What is timed through the API: first and deep page, by date and ranked. */
interface TimedCase {
  /** Summary key prefix ("" for the headline case). */
  key: "" | "deep" | "ranked" | "rankedDeep";
  query: string;
  deep: boolean;
}
const CASES: TimedCase[] = [
  { key: "", query: "status=new", deep: false },
  { key: "deep", query: "status=new", deep: true },
  { key: "ranked", query: "status=new&sort=score", deep: false },
  { key: "rankedDeep", query: "status=new&sort=score", deep: true },
];

/** The partition sizes in a table of `n` seed items (to check every measured page can be full). */
function partitionSizes(n: number) {
  const items = Array.from({ length: n }, (_, i) => seedItem(i));
  const count = (f: (x: Item) => boolean) => items.filter(f).length;
  const fresh = count((x) => x.status === "new");
  return {
    fresh,
    smallest: Math.min(
      Math.floor(fresh / 3),
      count((x) => x.status === "selected"),
      count((x) => x.status === "new" && x.kind === "release"),
      count((x) => x.status === "new" && x.sourceIds[0] === "src-1"),
    ),
  };
}

/**
 * The `p`th percentile (0 < p ≤ 100) by nearest rank: the smallest sample with at least p% of
 * the samples at or below it (p95 of 100 samples is the 95th smallest). Throws on no samples.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is not in (0, 100]`);
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

/**
 * The order of one round of interleaved samples: every case once at each size, the cases rotated
 * by round and the size that goes first alternating, so neither size nor case always runs first.
 */
export function roundOrder(round: number, cases: number): { caseIndex: number; largeFirst: boolean }[] {
  return Array.from({ length: cases }, (_, j) => {
    const caseIndex = (round + j) % cases;
    return { caseIndex, largeFirst: (round + caseIndex) % 2 === 1 };
  });
}

interface PageCost {
  reads: number;
  itemsRead: number;
  returned: number;
  firstId: string | undefined;
}

export interface ListingSummary {
  [k: string]: number | boolean | null;
  small: number;
  large: number;
  limit: number;
  /** Read requests per page, summed over the counted pages, at each size. */
  readsSmall: number;
  readsLarge: number;
  itemsReadSmall: number;
  itemsReadLarge: number;
  /** Large / small: 1 when the cost does not depend on the table's size. */
  ratio: number | null;
  itemsReadRatio: number | null;
  samePages: boolean;
  /** Timed requests per case and size; the deep page timed. */
  samples: number;
  deepPage: number;
  ddbLatencyMs: number;
  /** `status=new`, first page, small ("1k") and large ("50k") table. */
  p50Ms1k: number;
  p95Ms1k: number;
  p50Ms50k: number;
  p95Ms50k: number;
  firstP50Ratio: number | null;
  firstP95Ratio: number | null;
  /** The worst large/small p95 ratio of the four timed cases (the budget's figure). */
  p95Ratio: number | null;
  /** The worst large/small p50 ratio of the four timed cases. */
  p50Ratio: number | null;
  rankedP95Ratio: number | null;
  /** Read requests per timed API request, summed over the four cases, at each size. */
  apiReadsSmall: number;
  apiReadsLarge: number;
}

/** A fresh table of `size` seed items, then `ddbLatencyMs` before each of its DynamoDB requests. */
async function seededCtx(env: TestEnv, size: number, ddbLatencyMs: number): Promise<Ctx> {
  const ctx = await env.ctx();
  // The record carries the item's place in the ranked listings too (gsi4/gsi5).
  const records = Array.from({ length: size }, (_, i) => itemRecord(seedItem(i)));
  const chunks = Array.from({ length: Math.ceil(records.length / 500) }, (_, k) =>
    records.slice(k * 500, k * 500 + 500),
  );
  await mapLimit(chunks, 4, (chunk) => batchPutAll(rawDbOf(ctx.store), chunk));
  addLatency(rawDbOf(ctx.store).doc, ddbLatencyMs);
  return ctx;
}

async function countPages(ctx: Ctx, counter: DynamoCounter, limit: number): Promise<Map<string, PageCost[]>> {
  const out = new Map<string, PageCost[]>();
  for (const l of LISTINGS) {
    const pages: PageCost[] = [];
    let cursor: string | undefined;
    for (let p = 0; p < l.pages; p++) {
      counter.reset();
      const page = await listItems(ctx, { ...l.input, limit, cursor });
      const c = counter.counts();
      pages.push({
        reads: c.reads,
        itemsRead: c.itemsRead,
        returned: page.items.length,
        firstId: page.items[0]?.id,
      });
      cursor = page.nextCursor ?? undefined;
      if (!cursor) break;
    }
    out.set(l.name, pages);
  }
  return out;
}

/** One size's side of the timed part: its app, its counter, and the path of each case. */
interface Side {
  size: number;
  client: ReturnType<typeof testClient>;
  counter: DynamoCounter;
  paths: string[];
  ms: number[][];
  reads: number[][];
  /** Requests that did not answer 200 with a full page. */
  bad: string[];
}

interface ListBody {
  items?: unknown[];
  nextCursor?: string | null;
}

async function sideOf(ctx: Ctx, counter: DynamoCounter, size: number, limit: number, deepPage: number) {
  const client = testClient(ctx);
  const limitParam = limit === API_DEFAULT_LIMIT ? "" : `&limit=${limit}`;
  const paths: string[] = [];
  for (const c of CASES) {
    const first = `/api/items?${c.query}${limitParam}`;
    if (!c.deep) {
      paths.push(first);
      continue;
    }
    // Follow nextCursor to the deep page; its cursor is then reused for every timed sample.
    let path = first;
    for (let p = 1; p < deepPage; p++) {
      const res = await client.get(path);
      const body = (await res.json()) as ListBody;
      if (res.status !== 200 || !body.nextCursor)
        throw new Error(`listing: ${first} at ${size} items has no page ${p + 1} (status ${res.status})`);
      path = `${first}&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    paths.push(path);
  }
  const side: Side = {
    size,
    client,
    counter,
    paths,
    ms: CASES.map(() => []),
    reads: CASES.map(() => []),
    bad: [],
  };
  return side;
}

/** Times one request of `side`'s case `i` (until its body is read); `keep` false for warm-up. */
async function sample(side: Side, i: number, limit: number, keep: boolean): Promise<void> {
  side.counter.reset();
  const start = performance.now();
  const res = await side.client.get(side.paths[i]!);
  const body = (await res.json()) as ListBody;
  const ms = performance.now() - start;
  const reads = side.counter.counts().reads;
  if (res.status !== 200 || body.items?.length !== limit)
    side.bad.push(`${side.paths[i]} at ${side.size}: ${res.status}, ${body.items?.length ?? 0} items`);
  if (!keep) return;
  side.ms[i]!.push(ms);
  side.reads[i]!.push(reads);
}

const sum = (pages: PageCost[], f: (p: PageCost) => number) => pages.reduce((n, p) => n + f(p), 0);
const distinct = (xs: number[]) => [...new Set(xs)];
const ms = (n: number) => round(n, 2);

export async function benchListing(
  env: TestEnv,
  opts: ListingBenchOptions,
): Promise<BenchReport<ListingSummary>> {
  const limit = opts.limit ?? API_DEFAULT_LIMIT;
  // 200: a p95 is then the 10th slowest of a case, not the 5th; at 100 one stall in the database's
  // process moved a case's ratio from 1.0 to 1.35 between runs whose medians agreed.
  const samples = opts.samples ?? (opts.quick ? 20 : 200);
  const warmup = opts.quick ? 3 : 10;
  const deepPage = opts.deepPage ?? 10;
  const sizes = partitionSizes(opts.small);
  if (sizes.smallest <= limit || sizes.fresh <= deepPage * limit) {
    throw new Error(
      `listing: ${opts.small} items leave a measured listing without full pages of ${limit} (or no page ${deepPage}); the small table needs at least ${Math.max(10 * (limit + 1), Math.ceil((deepPage * limit + 1) * 1.25))}`,
    );
  }

  const ctxSmall = await seededCtx(env, opts.small, opts.ddbLatencyMs);
  const ctxLarge = await seededCtx(env, opts.large, opts.ddbLatencyMs);
  const counterSmall = countDynamo(rawDbOf(ctxSmall.store).doc);
  const counterLarge = countDynamo(rawDbOf(ctxLarge.store).doc);

  // 1. Request counts per page.
  const small = await countPages(ctxSmall, counterSmall, limit);
  const large = await countPages(ctxLarge, counterLarge, limit);

  // 2. Latency through the API, the sizes interleaved.
  const sides = [
    await sideOf(ctxSmall, counterSmall, opts.small, limit, deepPage),
    await sideOf(ctxLarge, counterLarge, opts.large, limit, deepPage),
  ] as const;
  for (let r = 0; r < warmup + samples; r++) {
    for (const { caseIndex, largeFirst } of roundOrder(r, CASES.length)) {
      for (const side of largeFirst ? [sides[1], sides[0]] : sides)
        await sample(side, caseIndex, limit, r >= warmup);
    }
  }

  const rows: unknown[][] = [];
  const differing: string[] = [];
  let samePages = true;
  for (const l of LISTINGS) {
    const s = small.get(l.name)!;
    const g = large.get(l.name)!;
    s.forEach((ps, i) => {
      const pg = g[i];
      rows.push([
        `${l.name} p${i + 1}`,
        ps.reads,
        pg?.reads,
        ps.itemsRead,
        pg?.itemsRead,
        `${ps.returned}/${pg?.returned ?? "-"}`,
      ]);
      if (!pg || pg.reads !== ps.reads || pg.itemsRead !== ps.itemsRead)
        differing.push(`${l.name} page ${i + 1}`);
      if (l.samePages && (!pg || pg.firstId !== ps.firstId || pg.returned !== ps.returned)) samePages = false;
    });
    if (g.length !== s.length) differing.push(`${l.name}: ${s.length} vs ${g.length} pages`);
  }
  const all = (m: Map<string, PageCost[]>, f: (p: PageCost) => number) =>
    [...m.values()].reduce((n, pages) => n + sum(pages, f), 0);

  // Per timed case: percentiles at each size, their ratios, and the reads each request made.
  const timed = CASES.map((c, i) => {
    const [s, g] = [sides[0], sides[1]];
    const p50s = percentile(s.ms[i]!, 50);
    const p95s = percentile(s.ms[i]!, 95);
    const p50g = percentile(g.ms[i]!, 50);
    const p95g = percentile(g.ms[i]!, 95);
    const readsS = distinct(s.reads[i]!);
    const readsG = distinct(g.reads[i]!);
    return {
      c,
      label: `${c.query} ${c.deep ? `page ${deepPage}` : "page 1"}`,
      p50s,
      p95s,
      p50g,
      p95g,
      p50Ratio: ratio(p50g, p50s),
      p95Ratio: ratio(p95g, p95s),
      readsS,
      readsG,
    };
  });
  const apiReadsDiffer = timed
    .filter((t) => t.readsS.length !== 1 || t.readsG.length !== 1 || t.readsS[0] !== t.readsG[0])
    .map((t) => `${t.label}: ${t.readsS.join("|")} vs ${t.readsG.join("|")}`);
  const worst = (f: (t: (typeof timed)[number]) => number | null) =>
    timed.reduce<{ v: number | null; label: string }>(
      (w, t) => {
        const v = f(t);
        return v !== null && (w.v === null || v > w.v) ? { v, label: t.label } : w;
      },
      { v: null, label: "-" },
    );
  const worstP95 = worst((t) => t.p95Ratio);
  const worstP50 = worst((t) => t.p50Ratio);

  const summary: ListingSummary = {
    small: opts.small,
    large: opts.large,
    limit,
    readsSmall: all(small, (p) => p.reads),
    readsLarge: all(large, (p) => p.reads),
    itemsReadSmall: all(small, (p) => p.itemsRead),
    itemsReadLarge: all(large, (p) => p.itemsRead),
    ratio: null,
    itemsReadRatio: null,
    samePages,
    samples,
    deepPage,
    ddbLatencyMs: opts.ddbLatencyMs,
    p50Ms1k: 0,
    p95Ms1k: 0,
    p50Ms50k: 0,
    p95Ms50k: 0,
    firstP50Ratio: null,
    firstP95Ratio: null,
    p95Ratio: worstP95.v,
    p50Ratio: worstP50.v,
    rankedP95Ratio: null,
    apiReadsSmall: timed.reduce((n, t) => n + (t.readsS[0] ?? 0), 0),
    apiReadsLarge: timed.reduce((n, t) => n + (t.readsG[0] ?? 0), 0),
  };
  for (const t of timed) {
    const k = t.c.key;
    const name = (s: string) => (k ? `${k}${s}` : `${s[0]!.toLowerCase()}${s.slice(1)}`);
    summary[name("P50Ms1k")] = ms(t.p50s);
    summary[name("P95Ms1k")] = ms(t.p95s);
    summary[name("P50Ms50k")] = ms(t.p50g);
    summary[name("P95Ms50k")] = ms(t.p95g);
    summary[`${k || "first"}P50Ratio`] = t.p50Ratio;
    summary[`${k || "first"}P95Ratio`] = t.p95Ratio;
  }
  summary.ratio = ratio(summary.readsLarge, summary.readsSmall);
  summary.itemsReadRatio = ratio(summary.itemsReadLarge, summary.itemsReadSmall);

  const bad = [...sides[0].bad, ...sides[1].bad];
  const lines = [
    `listing cost: pages of ${limit}, at ${opts.small} vs ${opts.large} stored items (sort=score: highest first; else newest first)`,
    ...table(
      [
        "listing, page",
        `reads@${opts.small}`,
        `reads@${opts.large}`,
        `items read@${opts.small}`,
        `items read@${opts.large}`,
        "returned",
      ],
      rows,
    ),
    "",
    `listing latency through app.request(): ${samples} samples per case and size (after ${warmup} warm-up rounds), sizes interleaved, ${opts.ddbLatencyMs} ms before each DynamoDB request`,
    ...table(
      [
        "GET /api/items?…",
        `p50@${opts.small}`,
        `p95@${opts.small}`,
        `p50@${opts.large}`,
        `p95@${opts.large}`,
        "p50 ratio",
        "p95 ratio",
        "reads/request",
      ],
      timed.map((t) => [
        t.label,
        t.p50s,
        t.p95s,
        t.p50g,
        t.p95g,
        t.p50Ratio,
        t.p95Ratio,
        `${t.readsS.join("|")}/${t.readsG.join("|")}`,
      ]),
    ),
    `listing ratio ${opts.large}/${opts.small} items: p95 ${summary.p95Ratio} (worst case: ${worstP95.label}; first page ${summary.firstP95Ratio}, ranked first page ${summary.rankedP95Ratio}), p50 ${summary.p50Ratio} (worst); read requests ${summary.ratio}, items read ${summary.itemsReadRatio}`,
  ];
  return {
    summary,
    lines,
    budgets: [
      budget(
        "listing: reads per page do not depend on the table's size",
        differing.length === 0,
        `differ: ${differing.join(", ")}`,
      ),
      budget("listing: both sizes list the same pages", samePages, "the pages differ between the sizes"),
      budget(
        "listing: every timed API request answers 200 with a full page",
        bad.length === 0,
        `${bad.length} did not: ${bad.slice(0, 3).join("; ")}`,
      ),
      budget(
        "listing: read requests per API request do not depend on the table's size",
        apiReadsDiffer.length === 0,
        `differ: ${apiReadsDiffer.join(", ")}`,
      ),
      budget(
        `listing: p95 ${opts.large}/${opts.small} items ≤ ${P95_RATIO_BUDGET} (worst of first/deep page, by date/ranked)`,
        summary.p95Ratio !== null && summary.p95Ratio <= P95_RATIO_BUDGET,
        `${summary.p95Ratio} at ${worstP95.label}`,
        "ratio",
      ),
    ],
  };
}
