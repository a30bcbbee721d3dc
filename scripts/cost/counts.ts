/**
 * The DynamoDB request counts the model prices, as the benchmarks measure them (scripts/bench/
 * poll.ts, send.ts, listing.ts summaries), with the defaults used where a figure is missing.
 */
import type { SummaryValue } from "../bench/frame.js";

export interface CycleCounts {
  /** DynamoDB read and write requests per polled feed in one cycle (the due-sources Query included). */
  reads: number;
  writes: number;
}

export interface Counts {
  poll: {
    /** Every entry new (a source's first poll). */
    first: CycleCounts;
    /** One new entry on the feed. */
    steady: CycleCounts;
    /** Nothing changed: 304. */
    repeat: CycleCounts;
  };
  /** DynamoDB requests per recipient of a send (claims, re-checks, settle records; batched). */
  sendRequestsPerRecipient: number;
  /** DynamoDB read requests per page of the editor's item listing. */
  listingReadsPerPage: number;
}

/**
 * Figures measured here with the benchmarks (poll: 20 feeds x 20 entries; send: 100 recipients;
 * listing: pages of 50; December 2026), used when a benchmark's summary lacks a key. Small runs
 * spread their fixed requests (the due-sources Query, the send's own records) over few feeds and
 * recipients: per unit they are upper bounds.
 */
export const DEFAULT_COUNTS: Counts = {
  poll: {
    first: { reads: 1.1, writes: 1 },
    steady: { reads: 0.1, writes: 1 },
    repeat: { reads: 0.1, writes: 1 },
  },
  sendRequestsPerRecipient: 1.24,
  listingReadsPerPage: 2,
};

type Summary = Record<string, SummaryValue>;

const num = (s: Summary | undefined, key: string): number | undefined => {
  const v = s?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
};
const part = (before: Summary, name: string): Summary | undefined => {
  const v = before[name];
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Summary) : undefined;
};

/**
 * The counts from the summaries of the benchmarks run before (`before.poll`, `.send`,
 * `.listing`); each figure missing there is the default, and a note says which.
 */
export function countsFromSummaries(before: Summary): {
  counts: Counts;
  notes: string[];
  measured: string[];
} {
  const notes: string[] = [];
  const measured: string[] = [];
  const poll = part(before, "poll");
  const send = part(before, "send");
  const listing = part(before, "listing");
  const pick = (what: string, value: number | undefined, fallback: number): number => {
    if (value === undefined || value < 0) {
      notes.push(`${what}: not measured in this run, default ${fallback}`);
      return fallback;
    }
    measured.push(what);
    return value;
  };
  const feeds = num(poll, "feeds");
  const split = (
    name: "first" | "steady" | "repeat",
    total: number | undefined,
    writes: number | undefined,
  ): CycleCounts => {
    const d = DEFAULT_COUNTS.poll[name];
    const w = pick(`poll.${name} writes/feed`, writes, d.writes);
    const all = pick(`poll.${name} requests/feed`, total, d.reads + d.writes);
    return { reads: Math.max(0, round3(all - w)), writes: w };
  };
  const counts: Counts = {
    poll: {
      first: split(
        "first",
        num(poll, "firstRequestsPerFeed"),
        feeds ? div(num(poll, "writesOurs"), feeds) : undefined,
      ),
      steady: split("steady", num(poll, "steadyRequestsPerFeed"), num(poll, "changedWritesPerSource")),
      repeat: split("repeat", num(poll, "repeatRequestsPerFeed"), num(poll, "repeatWritesPerSource")),
    },
    sendRequestsPerRecipient: pick(
      "send requests/recipient",
      num(send, "requestsPerRecipientOurs"),
      DEFAULT_COUNTS.sendRequestsPerRecipient,
    ),
    listingReadsPerPage: pick(
      "listing reads/page",
      num(listing, "readsPerPage") ?? div(num(listing, "apiReadsSmall"), TIMED_LISTING_CASES),
      DEFAULT_COUNTS.listingReadsPerPage,
    ),
  };
  return { counts, notes, measured };
}

/** listing.ts times four API requests per size (first and deep page, by date and ranked): `apiReadsSmall` sums them. */
const TIMED_LISTING_CASES = 4;

const div = (a: number | undefined, b: number) => (a === undefined ? undefined : round3(a / b));
const round3 = (n: number) => Math.round(n * 1000) / 1000;
