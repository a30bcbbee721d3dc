/**
 * Ranking against dynalite: scores written with the items, the ranked listing read through its
 * index (counted by SDK commands), and scores kept current when their inputs change.
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import type { Candidate } from "../sources/adapters/types.js";
import { createSource, updateSource } from "../sources/manage.js";
import { storeCandidates } from "./candidates.js";
import { editItem, markItemsUsed } from "./edit.js";
import { listItems } from "./list.js";
import { learnSourceWeights, refreshDeadlines } from "./rank.js";
import { observeDb, testCandidate } from "./testing.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const DAY = 86_400_000;
const T0 = new Date("2026-05-01T00:00:00.000Z");

function clock(start = T0) {
  let t = start.getTime();
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

const post = (slug: string, daysAgo: number, extra: Partial<Candidate> = {}): Candidate =>
  testCandidate(`https://blog.example/${slug}`, slug, {
    publishedAt: new Date(T0.getTime() - daysAgo * DAY).toISOString(),
    ...extra,
  });

async function feedSource(ctx: Ctx, name: string) {
  const s = await createSource(ctx, { kind: "feed", url: `https://${name}.example/feed.xml`, name });
  return (await ctx.store.sources.get(s.id))!;
}

const titles = (items: { title: string }[]) => items.map((i) => i.title);

describe("ranking", () => {
  it("lists by score, highest first, with one Query and one BatchGet per page, and says why", async () => {
    const c = clock();
    const ctx = await env.ctx({ now: c.now });
    const a = await feedSource(ctx, "a");
    const b = await feedSource(ctx, "b");
    await storeCandidates(ctx, a, [post("old", 30), post("fresh", 1), post("shared", 10)]);
    await storeCandidates(ctx, b, [post("shared", 10)]);

    const db = observeDb(ctx);
    const page = await listItems(ctx, { sort: "score", limit: 10 });
    expect(db.seen.map((s) => s.command)).toEqual(["QueryCommand", "BatchGetItemCommand"]);
    expect(titles(page.items)).toEqual(["fresh", "shared", "old"]);
    const shared = page.items.find((i) => i.title === "shared")!;
    expect(shared.scoreParts).toMatchObject({ mentions: 1, source: 0, editor: 0, deadline: 0 });
    expect(shared.score).toBeCloseTo(
      Object.values(shared.scoreParts!).reduce((x, y) => x + y, 0),
      2,
    );
    // Date stays the default order.
    expect(titles((await listItems(ctx, { limit: 10 })).items)).toEqual(["fresh", "shared", "old"]);
  });

  it("a second source linking the same URL raises its score and its place", async () => {
    const ctx = await env.ctx({ now: clock().now });
    const [a, b, c] = [await feedSource(ctx, "a"), await feedSource(ctx, "b"), await feedSource(ctx, "c")];
    await storeCandidates(ctx, a, [post("newer", 3), post("older", 9)]);
    expect(titles((await listItems(ctx, { sort: "score" })).items)).toEqual(["newer", "older"]);
    await storeCandidates(ctx, b, [post("older", 9)]);
    await storeCandidates(ctx, c, [post("older", 9)]);
    const ranked = (await listItems(ctx, { sort: "score" })).items;
    expect(titles(ranked)).toEqual(["older", "newer"]);
    expect(ranked[0]!.scoreParts!.mentions).toBeCloseTo(Math.log2(3), 2);
  });

  it("the editor's weight on a source re-scores its candidates at once", async () => {
    const ctx = await env.ctx({ now: clock().now });
    const a = await feedSource(ctx, "a");
    const b = await feedSource(ctx, "b");
    await storeCandidates(ctx, a, [post("from-a", 2)]);
    await storeCandidates(ctx, b, [post("from-b", 5)]);
    expect(titles((await listItems(ctx, { sort: "score" })).items)).toEqual(["from-a", "from-b"]);
    await updateSource(ctx, b.id, { rankWeight: 1 });
    const ranked = (await listItems(ctx, { sort: "score" })).items;
    expect(titles(ranked)).toEqual(["from-b", "from-a"]);
    expect(ranked[0]!.scoreParts!.editor).toBe(1);
    await expect(updateSource(ctx, b.id, { rankWeight: 9 })).rejects.toMatchObject({
      details: [{ field: "rankWeight" }],
    });
  });

  it("a source the editor picks from often rises after a send; a new source stays neutral", async () => {
    const c = clock();
    const ctx = await env.ctx({ now: c.now });
    const picked = await feedSource(ctx, "picked");
    const ignored = await feedSource(ctx, "ignored");
    await storeCandidates(
      ctx,
      picked,
      Array.from({ length: 10 }, (_, i) => post(`p${i}`, 20 + i)),
    );
    await storeCandidates(
      ctx,
      ignored,
      Array.from({ length: 30 }, (_, i) => post(`i${i}`, 20 + i)),
    );
    const all = (await listItems(ctx, { limit: 100 })).items;
    const fromPicked = all.filter((i) => i.sourceIds[0] === picked.id).map((i) => i.id);
    await markItemsUsed(ctx, fromPicked.slice(0, 6));
    c.advance(DAY);
    await learnSourceWeights(ctx, c.now().toISOString());

    const pickedNow = (await ctx.store.sources.get(picked.id))!;
    const ignoredNow = (await ctx.store.sources.get(ignored.id))!;
    expect(pickedNow.history).toMatchObject({ used: 6, total: 10 });
    expect(pickedNow.history!.learnedWeight).toBeGreaterThan(0);
    expect(ignoredNow.history!.learnedWeight).toBeLessThan(0);

    // Today's candidates: the picked source's ranks above the ignored one's of the same day...
    await storeCandidates(ctx, pickedNow, [post("p-today", 0)]);
    await storeCandidates(ctx, ignoredNow, [post("i-today", 0)]);
    const fresh = await feedSource(ctx, "fresh");
    await storeCandidates(ctx, fresh, [post("n-today", 0)]);
    const ranked = titles((await listItems(ctx, { sort: "score", limit: 3 })).items);
    expect(ranked).toEqual(["p-today", "n-today", "i-today"]);
    // ...and a new source's item is neutral.
    const n = (await listItems(ctx, { sort: "score", limit: 3 })).items.find((i) => i.title === "n-today")!;
    expect(n.scoreParts!.source).toBe(0);
  });

  it("a status change moves the item out of the ranked listing of its old status", async () => {
    const ctx = await env.ctx({ now: clock().now });
    const a = await feedSource(ctx, "a");
    await storeCandidates(ctx, a, [post("one", 1), post("two", 2)]);
    const [one] = (await listItems(ctx, { sort: "score" })).items;
    await editItem(ctx, one!.id, { status: "selected" });
    expect(titles((await listItems(ctx, { sort: "score" })).items)).toEqual(["two"]);
    expect(titles((await listItems(ctx, { sort: "score", status: "selected" })).items)).toEqual(["one"]);
  });

  it("refuses sort=score with a source filter, naming the field", async () => {
    const ctx = await env.ctx();
    await expect(listItems(ctx, { sort: "score", sourceId: "x" })).rejects.toMatchObject({
      details: [{ field: "sort" }],
    });
  });
});

describe("competitions", () => {
  const competition = (slug: string, deadlineInDays: number) =>
    post(slug, 5, {
      url: `https://comp.example/${slug}`,
      kind: "competition",
      facts: { deadline: new Date(T0.getTime() + deadlineInDays * DAY).toISOString() },
    });

  it("open=true lists the competitions still open, soonest deadline first, through the index", async () => {
    const c = clock();
    const ctx = await env.ctx({ now: c.now });
    const src = await feedSource(ctx, "comps");
    await storeCandidates(ctx, src, [
      competition("later", 40),
      competition("closed", -2),
      competition("soon", 3),
    ]);
    await storeCandidates(ctx, src, [post("article", 1)]);
    const db = observeDb(ctx);
    const open = await listItems(ctx, { kind: "competition", open: true });
    expect(db.seen.map((s) => s.command)).toEqual(["QueryCommand", "BatchGetItemCommand"]);
    expect(titles(open.items)).toEqual(["soon", "later"]);
    expect(titles((await listItems(ctx, { sort: "deadline" })).items)).toEqual(["closed", "soon", "later"]);
    expect(await ctx.store.items.count({ status: "new", openAt: c.now().toISOString() })).toBe(2);
    // Five days on, "soon" has closed.
    c.advance(5 * DAY);
    expect(titles((await listItems(ctx, { kind: "competition", open: true })).items)).toEqual(["later"]);
  });

  it("the deadline part follows the clock when the tick refreshes it", async () => {
    const c = clock();
    const ctx = await env.ctx({ now: c.now });
    const src = await feedSource(ctx, "comps");
    await storeCandidates(ctx, src, [competition("c", 21)]);
    const before = (await listItems(ctx, { sort: "score" })).items[0]!;
    expect(before.scoreParts!.deadline).toBe(0);
    expect(await refreshDeadlines(ctx)).toBe(0);
    c.advance(14 * DAY); // 7 days left
    expect(await refreshDeadlines(ctx)).toBe(1);
    const after = (await listItems(ctx, { sort: "score" })).items[0]!;
    expect(after.scoreParts!.deadline).toBe(1);
    expect(after.score).toBeCloseTo(before.score! + 1, 2);
  });
});
