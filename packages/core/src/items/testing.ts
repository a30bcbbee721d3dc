/** Test helpers for items: a candidate as a poller would store it. */
import type { Ctx } from "../context.js";
import type { Candidate, Item } from "../model/index.js";
import { rawDbOf } from "../store/raw.js";
import { canonicalUrl, domainOf, urlHash } from "../url/canonical.js";

/** A feed candidate for `url`; fields can be overridden. */
export function testItem(url: string, overrides: Partial<Item> = {}): Item {
  return {
    id: urlHash(url),
    url,
    canonicalUrl: canonicalUrl(url),
    title: `Title of ${url}`,
    description: null,
    imageUrl: null,
    siteName: null,
    domain: domainOf(url),
    kind: "article",
    sourceIds: ["src-a"],
    author: null,
    publishedAt: "2024-05-01T00:00:00.000Z",
    discoveredAt: "2024-05-02T00:00:00.000Z",
    status: "new",
    comment: null,
    section: null,
    ...overrides,
  };
}

/** Stores items as new candidates (each one conditional put, like the poller's writes). */
export async function storeItems(ctx: Ctx, items: Item[]): Promise<Item[]> {
  for (const item of items) {
    if (!(await ctx.store.items.createIfAbsent(item))) throw new Error(`item ${item.id} exists`);
  }
  return items;
}

/** Records the DynamoDB operations a piece of code makes and how many items they read. */
export function observeDb(ctx: Ctx) {
  const seen: { command: string; index?: string; scanned: number }[] = [];
  rawDbOf(ctx.store).doc.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const input = args.input as { IndexName?: string };
      const output = out.output as { ScannedCount?: number };
      seen.push({
        command: context.commandName ?? "?",
        index: input.IndexName,
        scanned: output.ScannedCount ?? 0,
      });
      return out;
    },
    { step: "initialize", name: "observeForTest" },
  );
  return {
    seen,
    reset: () => seen.splice(0),
    scanned: () => seen.reduce((n, s) => n + s.scanned, 0),
  };
}

/** A candidate as an adapter hands it over: an article at `url`, titled `title`. */
export function testCandidate(url: string, title: string, overrides: Partial<Candidate> = {}): Candidate {
  return {
    url,
    title,
    description: null,
    imageUrl: null,
    siteName: null,
    author: null,
    publishedAt: null,
    kind: "article",
    ...overrides,
  };
}
