/**
 * Smoke test of `npm run bench --quick`: the benchmarks run at small sizes and their structural
 * budgets hold (counts, which do not depend on the machine). Timing ratios are printed by the
 * script, never asserted here. `coldStart` is left out: it builds every function's bundle, and
 * its structural fact (which clients load at import) is stacks/function-bundles.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type BenchRun, QUICK_SIZES, runBench, sizesFromArgs } from "./bench.js";

type Summary = Record<string, Record<string, unknown>>;

const SMOKE = ["poll", "listing", "send", "parse", "cost"];

describe("npm run bench --quick", () => {
  let run: BenchRun;
  const lines: string[] = [];
  const part = (name: string) => (run.summary as Summary)[name] ?? {};

  beforeAll(async () => {
    run = await runBench(QUICK_SIZES, { only: SMOKE, print: (l) => lines.push(l) });
  }, 300_000);

  it("runs every benchmark and keeps every structural budget", () => {
    const structural = run.budgets.filter((b) => b.kind === "structural");
    expect(structural.length).toBeGreaterThanOrEqual(8);
    expect(structural.filter((b) => !b.ok)).toEqual([]);
    expect(Object.keys(run.summary)).toEqual([...SMOKE, "seconds"]);
    // each benchmark's time and the total, in whole seconds
    expect(Object.keys(part("seconds"))).toEqual([...SMOKE, "total"]);
    expect(lines.some((l) => l.startsWith("ran in: poll "))).toBe(true);
  });

  it("poll: new entries are one write each; a first or steady poll is one request, a 304 one small update", () => {
    const { feeds, entries, serialFeeds } = QUICK_SIZES;
    const p = part("poll");
    expect(serialFeeds).toBeLessThan(feeds);
    expect(p).toMatchObject({
      // the serial loop visits its sample of the feeds (its times are scaled to all of them)
      serialFeeds,
      itemWritesNaive: serialFeeds * entries,
      itemWritesOurs: feeds * entries,
      orderWritesOurs: 0,
      repeatItemWrites: 0,
      repeatWritesPerSource: 1,
      changedItemWrites: feeds,
      // the new entry and the source's state go in one transaction
      changedWritesPerSource: 1,
    });
    // Requests per feed, the cycle's listing of due sources included (1 Query, 1 BatchGetItem per 100).
    expect(p.steadyRequestsPerFeed).toBeLessThanOrEqual(1.1);
    expect(p.repeatRequestsPerFeed).toBeLessThanOrEqual(1.1);
    // a first poll writes its entries with its source's state, with no lookup before
    expect(p.firstRequestsPerFeed).toBeLessThanOrEqual(1.1);
  });

  it("listing: the same read requests and items read per page at both table sizes", () => {
    const l = part("listing");
    expect(l.large).toBeGreaterThan(l.small as number);
    expect(l.readsSmall).toBeGreaterThan(0);
    expect(l.readsLarge).toBe(l.readsSmall);
    expect(l.itemsReadLarge).toBe(l.itemsReadSmall);
    expect(l.samePages).toBe(true);
  });

  it("send: both senders deliver one message per recipient; ours needs fewer requests per recipient", () => {
    const s = part("send");
    expect(run.budgets.find((b) => b.name.startsWith("send: every recipient"))?.ok).toBe(true);
    expect(s.requestsPerRecipientNaive).toBeGreaterThanOrEqual(3);
    expect(s.requestsPerRecipientOurs).toBeLessThan(s.requestsPerRecipientNaive as number);
    // the sender's CPU is measured (a count of work, not judged), and what it makes at the limit
    expect(s.senderCpuMsPerRecipient).toBeGreaterThan(0);
    expect(s.senderCoresAtLimit).toBeCloseTo(
      ((s.senderCpuMsPerRecipient as number) * QUICK_SIZES.rate) / 1000,
      1,
    );
  });

  it("parse: every corpus document read with no unhandled error", () => {
    const p = part("parse");
    expect(p.documents).toBeGreaterThan(2000);
    expect(p.unhandled).toBe(0);
  });

  it("cost: priced from this run's counts, with and without SES", () => {
    const c = part("cost");
    expect(c.monthlyUsdExSes).toBeGreaterThan(0);
    expect(c.monthlyUsdWithSes).toBeGreaterThan(c.monthlyUsdExSes as number);
  });

  it("prints a table and a ratio line per benchmark, and a JSON summary", () => {
    for (const name of SMOKE) {
      expect(lines.some((l) => l.startsWith(`${name} ratio`))).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(run.summary))).toEqual(run.summary);
  });
});

describe("bench arguments", () => {
  it("starts from the quick or default sizes and takes overrides", () => {
    expect(sizesFromArgs(["--quick"]).sizes).toEqual(QUICK_SIZES);
    const { sizes, only } = sizesFromArgs(["--feeds", "1000", "--only", "poll, send"]);
    expect(sizes.feeds).toBe(1000);
    expect(sizes.serialFeeds).toBe(256);
    expect(sizesFromArgs(["--serial-feeds", "1000"]).sizes.serialFeeds).toBe(1000);
    expect(only).toEqual(["poll", "send"]);
    expect(() => sizesFromArgs(["--items", "0"])).toThrow(/--items/);
  });
});
