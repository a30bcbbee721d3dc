import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Jobs } from "../jobs/index.js";
import type { Candidate } from "../sources/adapters/types.js";
import { urlHash } from "../url/canonical.js";
import { candidateToItem, SEEN_LIMIT, SEEN_MARGIN, seenKey, storeCandidates } from "./candidates.js";
import { listItems } from "./list.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const candidate = (url: string, over: Partial<Candidate> = {}): Candidate => ({
  url,
  title: `Title of ${url}`,
  description: "A description",
  imageUrl: "https://example.com/i.png",
  siteName: "Example",
  author: null,
  publishedAt: "2026-01-02T03:04:05Z",
  kind: "article",
  ...over,
});

function recordingJobs() {
  const unfurled: string[] = [];
  const jobs: Jobs = {
    async enqueue(kind, payload) {
      if (kind === "unfurl") unfurled.push((payload as { itemId: string }).itemId);
    },
  };
  return { jobs, unfurled };
}

describe("storeCandidates", () => {
  it("stores new candidates as items keyed by the canonical URL hash", async () => {
    const ctx = await env.ctx();
    const r = await storeCandidates(ctx, { id: "src-a" }, [
      candidate("https://Example.com/post?utm_source=rss#top", { title: "  Hello\n  world  " }),
    ]);
    const id = urlHash("https://example.com/post");
    expect(r.newItemIds).toEqual([id]);
    const item = await ctx.store.items.get(id);
    expect(item).toMatchObject({
      id,
      url: "https://Example.com/post?utm_source=rss#top",
      canonicalUrl: "https://example.com/post",
      title: "Hello world",
      description: "A description",
      domain: "example.com",
      siteName: "Example",
      kind: "article",
      status: "new",
      sourceIds: ["src-a"],
      publishedAt: "2026-01-02T03:04:05.000Z",
    });
    expect(r.seen).toEqual([seenKey(id)]);
  });

  it("makes the same article from two sources one item that lists both", async () => {
    const ctx = await env.ctx();
    const a = await storeCandidates(ctx, { id: "src-a" }, [candidate("https://example.com/same")]);
    const b = await storeCandidates(ctx, { id: "src-b" }, [
      candidate("https://example.com/same?utm_medium=x"),
    ]);
    expect(a.newItemIds).toHaveLength(1);
    expect(b.newItemIds).toEqual([]);
    expect(b.linkedItemIds).toEqual(a.newItemIds);
    const item = await ctx.store.items.get(a.newItemIds[0]!);
    expect(item?.sourceIds).toEqual(["src-a", "src-b"]);
    // a repeat from the second source (memory lost) adds nothing twice
    await storeCandidates(ctx, { id: "src-b" }, [candidate("https://example.com/same")]);
    expect((await ctx.store.items.get(a.newItemIds[0]!))?.sourceIds).toEqual(["src-a", "src-b"]);
  });

  it("learns which items exist from a cancelled transaction: links those, creates the rest in one more", async () => {
    const ctx = await env.ctx();
    const urls = Array.from({ length: 20 }, (_, i) => `https://example.com/overlap/${i}`);
    const older = [3, 7, 15].map((i) => urls[i]!);
    await storeCandidates(
      ctx,
      { id: "first" },
      older.map((u) => candidate(u)),
    );
    // Count what the second source's first poll costs: transactions, and item-by-item writes.
    const calls = { all: 0, one: 0 };
    const createAll = ctx.store.items.createAllIfAbsent.bind(ctx.store.items);
    const createOne = ctx.store.items.createIfAbsent.bind(ctx.store.items);
    ctx.store.items.createAllIfAbsent = (items, also) => {
      calls.all++;
      return createAll(items, also);
    };
    ctx.store.items.createIfAbsent = (item) => {
      calls.one++;
      return createOne(item);
    };
    const r = await storeCandidates(
      ctx,
      { id: "second" },
      urls.map((u) => candidate(u)),
    );
    expect(calls).toEqual({ all: 2, one: 0 });
    expect(r.linkedItemIds.sort()).toEqual(older.map(urlHash).sort());
    expect(r.newItemIds.sort()).toEqual(
      urls
        .filter((u) => !older.includes(u))
        .map(urlHash)
        .sort(),
    );
    const items = await ctx.store.items.getMany(urls.map(urlHash));
    expect(items.size).toBe(urls.length);
    for (const u of urls)
      expect(items.get(urlHash(u))?.sourceIds).toEqual(older.includes(u) ? ["first", "second"] : ["second"]);
  });

  it("two sources bringing the same URLs at the same moment make one item each, listing both", async () => {
    const ctx = await env.ctx();
    const urls = Array.from({ length: 30 }, (_, i) => `https://example.com/race/${i}`);
    // Round 1: both sources' first polls (no memory). Round 2: polls of sources with a memory.
    // Either way both try to create straight away; whichever loses links what the other created.
    for (const [round, seen] of [
      [1, undefined],
      [2, ["0000000000000000"]],
    ] as const) {
      const batch = urls.map((u) => candidate(`${u}?round=${round}`));
      const [a, b] = await Promise.all([
        storeCandidates(ctx, { id: `a${round}`, seen: seen && [...seen] }, batch),
        storeCandidates(ctx, { id: `b${round}`, seen: seen && [...seen] }, [...batch].reverse()),
      ]);
      const roundIds = batch.map((c) => urlHash(c.url));
      // Every URL became one item, created by exactly one of the two and linked by the other.
      expect([...a.newItemIds, ...b.newItemIds].sort()).toEqual([...roundIds].sort());
      expect([...a.linkedItemIds, ...b.linkedItemIds].sort()).toEqual([...roundIds].sort());
      const items = await ctx.store.items.getMany(roundIds);
      expect(items.size).toBe(urls.length);
      for (const item of items.values())
        expect([...item.sourceIds].sort()).toEqual([`a${round}`, `b${round}`]);
      // Each lists under both sources, and once in the ranked listing.
      for (const sourceId of [`a${round}`, `b${round}`]) {
        const page = await listItems(ctx, { status: "new", sourceId, limit: 100 });
        expect(page.items.map((i) => i.id).sort()).toEqual([...roundIds].sort());
      }
    }
    const ranked = await listItems(ctx, { status: "new", sort: "score", limit: 100 });
    expect(ranked.items).toHaveLength(2 * urls.length);
    expect(new Set(ranked.items.map((i) => i.id)).size).toBe(2 * urls.length);
  });

  it("writes nothing for entries the source has seen, and keeps the memory bounded", async () => {
    const ctx = await env.ctx();
    const cands = Array.from({ length: 5 }, (_, i) => candidate(`https://example.com/p${i}`));
    const first = await storeCandidates(ctx, { id: "s" }, cands);
    expect(first.newItemIds).toHaveLength(5);
    // A remembered id is not looked up nor written, even when its item does not exist.
    const ghost = candidate("https://example.com/never-stored");
    const again = await storeCandidates(
      ctx,
      { id: "s", seen: [seenKey(urlHash(ghost.url)), ...first.seen] },
      [...cands, ghost],
    );
    expect(again.newItemIds).toEqual([]);
    expect(await ctx.store.items.get(urlHash(ghost.url))).toBeUndefined();

    // The memory follows the feed: its current entries plus a margin of older ones, at most SEEN_LIMIT.
    const many = Array.from({ length: SEEN_LIMIT + 20 }, (_, i) => `k${i}`);
    const small = await storeCandidates(ctx, { id: "s", seen: many }, [candidate("https://example.com/new")]);
    expect(small.seen).toEqual([seenKey(urlHash("https://example.com/new")), ...many.slice(0, SEEN_MARGIN)]);
    const big = Array.from({ length: SEEN_LIMIT + 5 }, (_, i) => candidate(`https://example.com/b${i}`));
    const capped = await storeCandidates(ctx, { id: "s2", seen: many }, big);
    expect(capped.seen).toHaveLength(SEEN_LIMIT);
  });

  it("stores duplicate entries of one poll once and counts unusable links", async () => {
    const ctx = await env.ctx();
    const r = await storeCandidates(ctx, { id: "s" }, [
      candidate("https://example.com/dup"),
      candidate("https://example.com/dup#again"),
      candidate("javascript:alert(1)"),
      candidate("not a url"),
    ]);
    expect(r.newItemIds).toHaveLength(1);
    expect(r.skipped).toBe(2);
  });

  it("shortens long descriptions for the card (keeping the whole for search) and enqueues every new item's unfurl", async () => {
    const { jobs, unfurled } = recordingJobs();
    const ctx = await env.ctx({ jobs });
    const family = "👨‍👩‍👧‍👦";
    const body = "はじめに こんにちは" + "あ".repeat(148) + family + "い".repeat(50) + "最後の言葉";
    const r = await storeCandidates(ctx, { id: "s" }, [
      candidate("https://example.com/long", { description: body }),
      candidate("https://example.com/bare", { imageUrl: null, description: "   " }),
    ]);
    const long = await ctx.store.items.get(urlHash("https://example.com/long"));
    // 160 graphemes: the family emoji is one of them, never split
    expect(long?.description).toBe(`はじめに こんにちは${"あ".repeat(148)}${family}…`);
    expect(long).toMatchObject({ descriptionSource: "feed" });
    // a word past the cut is still found
    const found = await listItems(ctx, { status: "new", q: "最後の言葉" });
    expect(found.items.map((i) => i.id)).toEqual([urlHash("https://example.com/long")]);
    const bare = await ctx.store.items.get(urlHash("https://example.com/bare"));
    expect(bare).toMatchObject({ imageUrl: null, description: null });
    expect(unfurled.sort()).toEqual(
      [urlHash("https://example.com/long"), urlHash("https://example.com/bare")].sort(),
    );
    expect(r.newItemIds).toHaveLength(2);
  });

  it("keeps kind-specific facts and drops an unusable image URL and far-future dates", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const item = candidateToItem(
      {
        id: "x",
        canonicalUrl: "https://github.com/o/r/releases/tag/v1",
        candidate: candidate("https://github.com/o/r/releases/tag/v1", {
          kind: "release",
          imageUrl: "javascript:x",
          publishedAt: "2099-01-01T00:00:00Z",
          facts: { tag: "v1", prerelease: true },
        }),
      },
      "s",
      now,
    );
    expect(item).toMatchObject({ kind: "release", tag: "v1", prerelease: true, imageUrl: null });
    expect(item.publishedAt).toBe("2026-01-02T00:00:00.000Z");
  });
});
