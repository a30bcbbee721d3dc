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

it("unfurls the items a failed poll created, once, and the rest on the retry", async () => {
  const unfurled: string[] = [];
  const jobs: Jobs = {
    async enqueue(kind, payload) {
      if (kind === "unfurl") unfurled.push((payload as { itemId: string }).itemId);
    },
  };
  const ctx = await env.ctx({ jobs });
  const createIfAbsent = ctx.store.items.createIfAbsent.bind(ctx.store.items);
  let calls = 0;
  ctx.store.items.createIfAbsent = async (item) => {
    if (++calls === 4) throw new Error("ProvisionedThroughputExceededException (retries exhausted)");
    return createIfAbsent(item);
  };
  const candidates = Array.from({ length: 12 }, (_, i) => candidate(`https://retry.example/${i}`));
  await expect(storeCandidates(ctx, { id: "src" }, candidates)).rejects.toThrow(/retries exhausted/);
  const created = [];
  for (const c of candidates) if (await ctx.store.items.get(urlHash(c.url))) created.push(urlHash(c.url));
  expect(created.length).toBeGreaterThan(0);
  expect(unfurled.sort()).toEqual(created.sort());

  await storeCandidates(ctx, { id: "src" }, candidates);
  expect(unfurled.sort()).toEqual(candidates.map((c) => urlHash(c.url)).sort());
});
