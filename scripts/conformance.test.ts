/**
 * The feedparser corpus lives outside the repository (/work/shared/conformance/feedparser, or
 * FEED_CONFORMANCE_DIR); a clean clone may not have it, so this suite runs only where it exists.
 * packages/core/src/feed/adapter.test.ts pins the same behaviour on inline documents in CI.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CORPUS, runConformance, summaryLine } from "./conformance.js";

const dir = process.env.FEED_CONFORMANCE_DIR ?? DEFAULT_CORPUS;

describe.runIf(existsSync(join(dir, "cases.json")))("feedparser conformance corpus", () => {
  const report = runConformance(dir);

  it("parses every document without an unhandled exception", () => {
    expect(report.errors.filter((e) => e.kind === "unhandled")).toEqual([]);
    expect(report.unhandled).toBe(0);
    expect(report.documents).toBeGreaterThan(2000);
  });

  it("meets at least 90% of the core expectations", () => {
    expect(report.core.total).toBeGreaterThan(400);
    expect(report.core.met / report.core.total).toBeGreaterThanOrEqual(0.9);
  });

  it("rejects only documents without any feed element", () => {
    expect(report.rejected).toBeLessThanOrEqual(5);
  });

  it("ends its output with one JSON summary line", () => {
    const parsed = JSON.parse(summaryLine(report));
    expect(Object.keys(parsed)).toEqual(["core", "fields", "unhandled", "rejected", "documents"]);
    expect(parsed.core).toEqual(report.core);
  });
});
