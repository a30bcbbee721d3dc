/**
 * The editor's listing walked page by page with 10% of DynamoDB requests failing: every one of
 * 100 items comes exactly once, newest first, as without faults; a text search too.
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { asJobRunner, FAULT_RATE, type FaultyPair, faultyPair } from "@wkn/testing/faults";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { type ListItemsInput, listItems } from "./list.js";
import { storeItems, testItem } from "./testing.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  await env.close();
});

/** Every page from the first to the last; a page request that throws is asked again (same cursor). */
async function walk(pair: FaultyPair | null, ctx: Ctx, input: ListItemsInput) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = pair
      ? await asJobRunner(pair, `page ${pages + 1}`, () => listItems(ctx, { ...input, cursor }))
      : await listItems(ctx, { ...input, cursor });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 100);
  return { ids, pages };
}

it("walks 100 items in pages of 7 through 10% faults (all, a search, a second source): each once, in order", async () => {
  const pair = await faultyPair(env, "listing (100 items)");
  pair.proxy.setRate(0);
  // Ties on the sort date (3 items per minute) test the cursor as much as the faults do.
  await storeItems(
    pair.direct,
    Array.from({ length: 100 }, (_, i) =>
      testItem(`https://list.example/${i}`, {
        title: i % 2 ? `odd gradient ${i}` : `even ${i}`,
        publishedAt: new Date(Date.UTC(2026, 0, 1, 0, Math.floor(i / 3))).toISOString(),
      }),
    ),
  );
  // Listed under a second source through link records, read back with BatchGetItem.
  for (let i = 0; i < 100; i += 2)
    await pair.direct.store.items.addSource(testItem(`https://list.example/${i}`).id, "src-b");
  const plain = await walk(null, pair.direct, { limit: 7 });
  const bySource = await walk(null, pair.direct, { limit: 7, sourceId: "src-b" });
  const search = await walk(null, pair.direct, { limit: 7, q: "gradient" });
  expect(new Set(plain.ids).size).toBe(100);
  expect(new Set(search.ids).size).toBe(50);
  expect(new Set(bySource.ids).size).toBe(50);

  pair.proxy.setRate(FAULT_RATE);
  const faultyPlain = await walk(pair, pair.faulty, { limit: 7 });
  const faultySearch = await walk(pair, pair.faulty, { limit: 7, q: "gradient" });
  expect(faultyPlain.ids).toEqual(plain.ids);
  expect(faultySearch.ids).toEqual(search.ids);
  const faultyBySource = await walk(pair, pair.faulty, { limit: 7, sourceId: "src-b" });
  expect(faultyBySource.ids).toEqual(bySource.ids);
  pair.notes.pages = faultyPlain.pages + faultySearch.pages + faultyBySource.pages;
});
