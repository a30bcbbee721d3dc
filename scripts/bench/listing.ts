/**
 * Listing cost (DESIGN.md: "Listing candidates is a Query on an index, the same cost at 1,000 or
 * 50,000 items"): the editor's listings (`listItems`) over a small and a large table (fresh tables
 * seeded with BatchWrite through the store's `itemRecord`, so index keys and search text are
 * right), counting DynamoDB read requests and the items they read per page: the same at both sizes.
 */
import { type ListItemsInput, listItems } from "@wkn/core/items/list";
import { testItem } from "@wkn/core/items/testing";
import type { Item, ItemStatus } from "@wkn/core/model";
import { batchPutAll } from "@wkn/core/store/batch";
import { itemRecord } from "@wkn/core/store/items";
import { rawDbOf } from "@wkn/core/store/raw";
import { mapLimit } from "@wkn/core/util/concurrency";
import type { TestEnv } from "@wkn/testing";
import { countDynamo } from "./dynamo-counter.js";
import { type BenchReport, budget, ratio, table } from "./frame.js";

export interface ListingBenchOptions {
  /** Simulated network before each DynamoDB request, on both sides (frame.ts `benchCtx`). */
  ddbLatencyMs: number;
  /** Smoke sizes: fewer passes where a benchmark repeats. */
  quick?: boolean;
  /** Items in the small and the large table. */
  small: number;
  large: number;
  /** Page size (the API's default is 50). */
  limit?: number;
}

const SOURCES = 4;
const BASE = Date.UTC(2026, 0, 5, 12);

/**
 * Item `i` of a table: newest first by i; 8 in 10 "new", 1 "selected", 1 "rejected"; every fifth a
 * release; four sources in turn. Item i is the same in both tables, so both list the same pages.
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
  return testItem(`https://site${i % 50}.example/posts/${i}`, {
    title: `Post ${i}: a note on evaluation`,
    description: `Item ${i} of the listing benchmark.`,
    kind: i % 5 === 0 ? "release" : "article",
    status: statuses[i % 10]!,
    sourceIds: [`src-${i % SOURCES}`],
    publishedAt: new Date(BASE - i * 60_000).toISOString(),
    discoveredAt: new Date(BASE).toISOString(),
  });
}

/** What is measured: named listings, `pages` pages deep each. */
const LISTINGS: { name: string; input: ListItemsInput; pages: number }[] = [
  { name: "status=new", input: { status: "new" }, pages: 3 },
  { name: "status=selected", input: { status: "selected" }, pages: 1 },
  { name: "status=new&kind=release", input: { status: "new", kind: "release" }, pages: 1 },
  { name: "status=new&sourceId=src-1", input: { status: "new", sourceId: "src-1" }, pages: 1 },
];

/** The partition sizes in a table of `n` seed items (to check every measured page can be full). */
function smallestPartition(n: number): number {
  const items = Array.from({ length: n }, (_, i) => seedItem(i));
  const count = (f: (x: Item) => boolean) => items.filter(f).length;
  return Math.min(
    Math.floor(count((x) => x.status === "new") / 3),
    count((x) => x.status === "selected"),
    count((x) => x.status === "new" && x.kind === "release"),
    count((x) => x.status === "new" && x.sourceIds[0] === "src-1"),
  );
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
  /** Read requests per page, summed over the measured pages, at each size. */
  readsSmall: number;
  readsLarge: number;
  itemsReadSmall: number;
  itemsReadLarge: number;
  /** Large / small: 1 when the cost does not depend on the table's size. */
  ratio: number | null;
  itemsReadRatio: number | null;
  samePages: boolean;
}

async function measure(env: TestEnv, size: number, limit: number): Promise<Map<string, PageCost[]>> {
  const ctx = await env.ctx();
  const records = Array.from({ length: size }, (_, i) => itemRecord(seedItem(i)));
  const chunks = Array.from({ length: Math.ceil(size / 500) }, (_, k) =>
    records.slice(k * 500, k * 500 + 500),
  );
  await mapLimit(chunks, 4, (chunk) => batchPutAll(rawDbOf(ctx.store), chunk));

  const counter = countDynamo(rawDbOf(ctx.store).doc);
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

const sum = (pages: PageCost[], f: (p: PageCost) => number) => pages.reduce((n, p) => n + f(p), 0);

export async function benchListing(
  env: TestEnv,
  opts: ListingBenchOptions,
): Promise<BenchReport<ListingSummary>> {
  const limit = opts.limit ?? 50;
  if (smallestPartition(opts.small) <= limit) {
    throw new Error(
      `listing: ${opts.small} items leave a measured listing without full pages of ${limit}; the small table needs at least ${10 * (limit + 1)}`,
    );
  }
  const small = await measure(env, opts.small, limit);
  const large = await measure(env, opts.large, limit);

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
      if (!pg || pg.firstId !== ps.firstId || pg.returned !== ps.returned) samePages = false;
    });
    if (g.length !== s.length) differing.push(`${l.name}: ${s.length} vs ${g.length} pages`);
  }
  const all = (m: Map<string, PageCost[]>, f: (p: PageCost) => number) =>
    [...m.values()].reduce((n, pages) => n + sum(pages, f), 0);
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
  };
  summary.ratio = ratio(summary.readsLarge, summary.readsSmall);
  summary.itemsReadRatio = ratio(summary.itemsReadLarge, summary.itemsReadSmall);

  const lines = [
    `listing cost: pages of ${limit}, newest first, at ${opts.small} vs ${opts.large} stored items`,
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
    `listing ratio ${opts.large}/${opts.small} items: read requests ${summary.ratio}, items read ${summary.itemsReadRatio}`,
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
    ],
  };
}
