/**
 * The feedparser corpus lives beside the repository (../shared/conformance/feedparser, see
 * conformance.ts `findCorpus`; FEED_CONFORMANCE_DIR overrides). A clone without it skips the
 * corpus here, except in CI (CI=1), where a missing corpus fails: a quality yardstick that silently
 * stops running is worse than none. packages/core/src/feed/adapter.test.ts pins the same
 * behaviour on inline documents everywhere.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findCorpus, runConformance, summaryLine } from "./conformance.js";

const dir = findCorpus();

/** The share of the core expectations met when this threshold was set (451 of 457, 98.7%): within a point. */
const CORE_THRESHOLD = 0.977;

describe("finding the corpus", () => {
  it("is found relative to the repository, never at a fixed machine path", () => {
    const nowhere = mkdtempSync(join(tmpdir(), "wkn-no-corpus-"));
    expect(findCorpus({}, join(nowhere, "repo"))).toBeUndefined();
    expect(findCorpus({ FEED_CONFORMANCE_DIR: "corpus" }, nowhere)).toBe(join(process.cwd(), "corpus"));
  });

  it.runIf(!!process.env.CI)("is present in CI", () => {
    expect(dir, "../shared/conformance/feedparser (or FEED_CONFORMANCE_DIR) is missing").toBeDefined();
  });
});

describe.runIf(!!dir)("feedparser conformance corpus", () => {
  const report = runConformance(dir ?? "");

  it("parses every document without an unhandled exception", () => {
    expect(report.errors.filter((e) => e.kind === "unhandled")).toEqual([]);
    expect(report.unhandled).toBe(0);
    expect(report.documents).toBeGreaterThan(2000);
  });

  it(`meets at least ${CORE_THRESHOLD * 100}% of the core expectations`, () => {
    expect(report.core.total).toBeGreaterThan(400);
    expect(report.core.met / report.core.total).toBeGreaterThanOrEqual(CORE_THRESHOLD);
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
