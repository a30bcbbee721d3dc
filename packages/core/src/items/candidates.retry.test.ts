/**
 * Regression (found by sources/poll.faults.test.ts): a poll whose item write failed after others
 * succeeded lost the unfurl jobs of the items it had created, since the retried poll sees them as
 * known and never as new. Every item must be unfurled exactly once across the failed run and its retry.
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Jobs } from "../jobs/index.js";
import type { Candidate } from "../sources/adapters/types.js";
import { urlHash } from "../url/canonical.js";
import { storeCandidates } from "./candidates.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const candidate = (url: string): Candidate => ({
  url,
  title: `Title of ${url}`,
  description: null,
  imageUrl: null,
  siteName: null,
  author: null,
  publishedAt: "2026-01-02T03:04:05Z",
  kind: "article",
});

function recording() {
  const unfurled: string[] = [];
  const jobs: Jobs = {
    async enqueue(kind, payload) {
      if (kind === "unfurl") unfurled.push((payload as { itemId: string }).itemId);
    },
  };
  return { jobs, unfurled };
}

async function stored(ctx: Awaited<ReturnType<TestEnv["ctx"]>>, candidates: Candidate[]) {
  const ids: string[] = [];
  for (const c of candidates) if (await ctx.store.items.get(urlHash(c.url))) ids.push(urlHash(c.url));
  return ids;
}

const exhausted = () => new Error("ProvisionedThroughputExceededException (retries exhausted)");

it("unfurls the items a failed poll created, once, and the rest on the retry (a transaction fails)", async () => {
  const { jobs, unfurled } = recording();
  const ctx = await env.ctx({ jobs });
  const createAll = ctx.store.items.createAllIfAbsent.bind(ctx.store.items);
  let calls = 0;
  ctx.store.items.createAllIfAbsent = async (items) => {
    if (++calls === 2) throw exhausted();
    return createAll(items);
  };
  // 30 new entries: two transactions (25 and 5); the second fails.
  const candidates = Array.from({ length: 30 }, (_, i) => candidate(`https://retry.example/t${i}`));
  await expect(storeCandidates(ctx, { id: "src" }, candidates)).rejects.toThrow(/retries exhausted/);
  const created = await stored(ctx, candidates);
  expect(created).toHaveLength(25);
  expect(unfurled.sort()).toEqual(created.sort());

  await storeCandidates(ctx, { id: "src" }, candidates);
  expect(unfurled.sort()).toEqual(candidates.map((c) => urlHash(c.url)).sort());
});

it("unfurls the items a failed poll created, once, and the rest on the retry (item by item)", async () => {
  const { jobs, unfurled } = recording();
  const ctx = await env.ctx({ jobs });
  // One item exists already, and the transaction is cancelled for a reason that does not name
  // it (as for a concurrent writer): the items are written one by one.
  await storeCandidates(ctx, { id: "other" }, [candidate("https://retry.example/i0")]);
  ctx.store.items.createAllIfAbsent = async () => ({ written: false });
  const createIfAbsent = ctx.store.items.createIfAbsent.bind(ctx.store.items);
  let calls = 0;
  ctx.store.items.createIfAbsent = async (item) => {
    if (++calls === 4) throw exhausted();
    return createIfAbsent(item);
  };
  const candidates = Array.from({ length: 12 }, (_, i) => candidate(`https://retry.example/i${i}`));
  await expect(storeCandidates(ctx, { id: "src", seen: ["0000000000000000"] }, candidates)).rejects.toThrow(
    /retries exhausted/,
  );
  const created = (await stored(ctx, candidates)).filter((id) => id !== urlHash(candidates[0]!.url));
  expect(created.length).toBeGreaterThan(0);
  expect(unfurled.filter((id) => id !== urlHash(candidates[0]!.url)).sort()).toEqual(created.sort());

  await storeCandidates(ctx, { id: "src", seen: ["0000000000000000"] }, candidates);
  expect(unfurled.sort()).toEqual(candidates.map((c) => urlHash(c.url)).sort());
  expect((await ctx.store.items.get(urlHash(candidates[0]!.url)))?.sourceIds).toEqual(["other", "src"]);
});
