import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  parseAsctime,
  parseDate,
  parseGreek,
  parseHungarian,
  parseIso8601,
  parseNate,
  parseOnBlog,
  parsePerforce,
  parseRfc822,
  parseW3cDtf,
} from "./date.js";

/** feedparser's parser name → ours. */
const PARSERS: Record<string, (s: string) => string | null> = {
  _parse_date_w3dtf: parseW3cDtf,
  _parse_date_rfc822: parseRfc822,
  _parse_date_asctime: parseAsctime,
  _parse_date_perforce: parsePerforce,
  _parse_date_iso8601: parseIso8601,
  _parse_date_greek: parseGreek,
  _parse_date_hungarian: parseHungarian,
  _parse_date_nate: parseNate,
  _parse_date_onblog: parseOnBlog,
};

const { cases } = JSON.parse(
  readFileSync(new URL("./testdata/date-cases.json", import.meta.url), "utf8"),
) as {
  cases: { parser: string; input: string; expected: string | null; comment: string | null }[];
};
const instant = (iso: string | null) => (iso === null ? null : new Date(iso).toISOString());

describe("date parsers: feedparser's table (date-cases.json)", () => {
  it.each(cases)("$parser($input) → $expected", ({ parser, input, expected }) => {
    const parse = PARSERS[parser];
    expect(parse, `no parser for ${parser}`).toBeDefined();
    expect(parse!(input)).toBe(instant(expected));
  });

  it("parseDate reads every valid case of the table", () => {
    for (const c of cases.filter((x) => x.expected !== null))
      expect(parseDate(c.input), c.input).toBe(instant(c.expected));
  });
});

describe("parseDate", () => {
  it.each([
    ["Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00.000Z"],
    ["Tue, 10 Jun 2003 04:00:00 +0900", "2003-06-09T19:00:00.000Z"],
    ["10 Jun 2003 04:00 EDT", "2003-06-10T08:00:00.000Z"],
    ["Sat, 07 Sep 2002 00:00:01 CEST", "2002-09-06T22:00:01.000Z"],
    ["2024-01-15T10:00:00+0000", "2024-01-15T10:00:00.000Z"],
    ["2024-01-15T10:00:00.123456+09:00", "2024-01-15T01:00:00.000Z"],
    ["2024-01-15 10:00:00 UTC", "2024-01-15T10:00:00.000Z"],
    ["20240115", "2024-01-15T00:00:00.000Z"],
    ["  2024-01-15T10:00:00Z\n", "2024-01-15T10:00:00.000Z"],
  ])("%s → %s", (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([
    "",
    "   ",
    "yesterday",
    "2024-13-01",
    "Mon, 31 Feb 2011 10:00:00 GMT",
    "1700000000",
    "2024-01-15T10:00:00+25:00",
  ])("%j is not a date", (input) => {
    expect(parseDate(input)).toBeNull();
  });

  it("returns null for non-strings (rss-parser-style objects at the boundary)", () => {
    expect(parseDate(undefined)).toBeNull();
    expect(parseDate(null)).toBeNull();
    expect(parseDate({ _: "2024-01-01" } as unknown as string)).toBeNull();
  });
});
