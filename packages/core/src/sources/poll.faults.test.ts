/**
 * Poll cycles over loopback feeds with 10% of DynamoDB requests failing (throttling, server
 * errors, partial batches): every entry becomes one item, attributed to exactly the feeds that
 * brought it, listed under each of them; the 304 cycle adds nothing; a new entry is stored once.
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { asJobRunner, FAULT_RATE, faultyPair } from "@wkn/testing/faults";
import { recordingJobs } from "@wkn/testing/mail";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listItems } from "../items/list.js";
import { urlHash } from "../url/canonical.js";
import { createSource, getSource } from "./manage.js";
import { pollDue } from "./poll.js";
import { type FeedEntry, rss, serve, startTestServer, type TestServer } from "./test-server.js";

let env: TestEnv;
let srv: TestServer;
beforeAll(async () => {
  env = await startTestEnv();
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.close();
  await env.close();
});

const FEEDS = 40;
const OWN = 15;
const SHARED = 10;

/** Feed i: 15 entries of its own and 3 of 10 shared URLs (so most shared ones come from 12 feeds). */
function entriesOf(i: number, extra = 0): FeedEntry[] {
  const own = Array.from({ length: OWN + extra }, (_, j) => ({
    title: `Feed ${i} post ${j}`,
    link: `https://f${i}.example/post/${j}?utm_source=rss`,
    pubDate: new Date(Date.UTC(2026, 0, 1, 0, i, j)).toUTCString(),
  }));
  const shared = [i % SHARED, (i + 3) % SHARED, (i + 7) % SHARED].map((k) => ({
    title: `Shared ${k}`,
    link: `https://shared.example/${k}`,
  }));
  return [...own, ...shared];
}

function serveAll(extra: number) {
  for (let i = 0; i < FEEDS; i++) {
    srv.route(`/feed/${i}`, serve(rss(`Feed ${i}`, entriesOf(i, extra)), {}, { etag: `"v${extra}-${i}"` }));
  }
}

it("polls 40 feeds three times through 10% faults: nothing lost, nothing twice", async () => {
  let t = Date.parse("2026-03-01T00:00:00Z");
  const { jobs, enqueued } = recordingJobs();
  const pair = await faultyPair(env, "poll (40 feeds, 3 cycles)", { jobs, now: () => new Date(t) });
  const { faulty, direct } = pair;
  pair.proxy.setRate(0);
  for (let i = 0; i < FEEDS; i++)
    await createSource(direct, { kind: "feed", id: `feed-${i}`, url: `${srv.origin}/feed/${i}` });
  pair.proxy.setRate(FAULT_RATE);

  /**
   * A cycle as the scheduler runs it: a cycle that throws is run again (its unfinished sources
   * are still due), so its results are those of the last run; every source must be polled now.
   */
  const cycle = async (label: string) => {
    const results = await asJobRunner(pair, label, () => pollDue(faulty));
    for (let i = 0; i < FEEDS; i++) {
      const s = await getSource(direct, `feed-${i}`);
      expect(s, s.id).toMatchObject({ lastPolledAt: new Date(t).toISOString(), lastError: null });
    }
    return results;
  };
  const rerunsOf = (label: string) => pair.reruns.filter((r) => r.label === label).length;

  serveAll(0);
  const first = await cycle("first cycle");
  expect(first.filter((r) => r.status !== "ok")).toEqual([]);
  const expected = new Map<string, Set<string>>();
  for (let i = 0; i < FEEDS; i++)
    for (const e of entriesOf(i)) {
      const id = urlHash(e.link!);
      expected.set(id, (expected.get(id) ?? new Set()).add(`feed-${i}`));
    }
  // Created once each: the unfurl jobs name each new item once (the newItems sum is exact only
  // when no run was thrown away).
  if (rerunsOf("first cycle") === 0) expect(first.reduce((n, r) => n + r.newItems, 0)).toBe(expected.size);
  const unfurled = enqueued
    .filter((j) => j.kind === "unfurl")
    .map((j) => (j.payload as { itemId: string }).itemId);
  expect(unfurled.sort()).toEqual([...expected.keys()].sort());

  t += 61 * 60_000;
  const unchanged = await cycle("304 cycle");
  expect(unchanged.filter((r) => r.status !== "not_modified")).toEqual([]);
  if (rerunsOf("304 cycle") === 0) expect(unchanged).toHaveLength(FEEDS);
  expect(enqueued.filter((j) => j.kind === "unfurl")).toHaveLength(expected.size);

  t += 61 * 60_000;
  serveAll(1);
  const grown = await cycle("one new entry per feed");
  expect(grown.filter((r) => r.status !== "ok")).toEqual([]);
  expect(enqueued.filter((j) => j.kind === "unfurl")).toHaveLength(expected.size + FEEDS);
  for (let i = 0; i < FEEDS; i++)
    expected.set(urlHash(`https://f${i}.example/post/${OWN}`), new Set([`feed-${i}`]));

  pair.proxy.setRate(0);
  for (const [id, sources] of expected) {
    const item = await direct.store.items.get(id);
    expect(item?.sourceIds.slice().sort(), id).toEqual([...sources].sort());
  }
  for (let i = 0; i < FEEDS; i++) {
    const s = await getSource(direct, `feed-${i}`);
    expect(s).toMatchObject({ consecutiveFailures: 0, lastError: null });
    const listed = await listItems(direct, { sourceId: s.id, limit: 100 });
    expect(listed.items.map((x) => x.id).sort()).toEqual(
      [...expected]
        .filter(([, srcs]) => srcs.has(s.id))
        .map(([id]) => id)
        .sort(),
    );
  }
  const listed: string[] = [];
  for (let cursor: string | undefined, pages = 0; pages === 0 || cursor; pages++) {
    const page = await listItems(direct, { limit: 100, cursor });
    listed.push(...page.items.map((x) => x.id));
    cursor = page.nextCursor ?? undefined;
  }
  expect(listed.sort()).toEqual([...expected.keys()].sort());

  pair.notes.items = expected.size;
});
