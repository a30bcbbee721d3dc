import { describe, expect, it } from "vitest";
import { flattenHeaders, parseMaxAge, parseRetryAfter } from "./headers.js";

const NOW = Date.parse("2025-03-01T12:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", NOW)).toBe(0);
  });
  it("reads an HTTP date relative to now, never negative", () => {
    expect(parseRetryAfter("Sat, 01 Mar 2025 12:01:30 GMT", NOW)).toBe(90_000);
    expect(parseRetryAfter("Sat, 01 Mar 2025 11:00:00 GMT", NOW)).toBe(0);
  });
  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
  });
});

describe("parseMaxAge", () => {
  it("prefers Cache-Control max-age", () => {
    expect(
      parseMaxAge({ "cache-control": "public, max-age=600", expires: "Sat, 01 Mar 2025 13:00:00 GMT" }, NOW),
    ).toBe(600);
    expect(parseMaxAge({ "cache-control": "s-maxage=60, max-age=30" }, NOW)).toBe(30);
  });
  it("falls back to Expires relative to the response's Date", () => {
    const headers = { date: "Sat, 01 Mar 2025 11:00:00 GMT", expires: "Sat, 01 Mar 2025 11:05:00 GMT" };
    expect(parseMaxAge(headers, NOW)).toBe(300);
    expect(parseMaxAge({ expires: "Sat, 01 Mar 2025 12:10:00 GMT" }, NOW)).toBe(600);
  });
  it("treats an invalid or past Expires as stale, and no header as unknown", () => {
    expect(parseMaxAge({ expires: "never" }, NOW)).toBe(0);
    expect(parseMaxAge({ expires: "Thu, 01 Jan 1970 00:00:00 GMT" }, NOW)).toBe(0);
    expect(parseMaxAge({ "cache-control": "no-cache" }, NOW)).toBeUndefined();
  });
});

describe("flattenHeaders", () => {
  it("joins repeated headers", () => {
    expect(flattenHeaders({ "set-cookie": ["a=1", "b=2"], etag: '"x"', age: undefined })).toEqual({
      "set-cookie": "a=1, b=2",
      etag: '"x"',
    });
  });
});
