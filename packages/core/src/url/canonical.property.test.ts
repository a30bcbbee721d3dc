/** Properties of canonical URLs (fast-check): idempotent, http(s) only, nothing that tracks. */
import fc from "fast-check";
import { expect, it } from "vitest";
import { anyUrl, isHttp, RUNS } from "../testing/property.js";
import { canonicalUrl, TRACKING_PARAM } from "./canonical.js";

const canon = (s: string): string | null => {
  try {
    return canonicalUrl(s);
  } catch {
    return null;
  }
};

it("is idempotent, and gives only http(s) URLs without fragment, credentials or tracking parameters", () => {
  fc.assert(
    fc.property(anyUrl, (input) => {
      const c = canon(input);
      if (c === null) return;
      expect(isHttp(c)).toBe(true);
      expect(canonicalUrl(c)).toBe(c);
      const u = new URL(c);
      expect(u.hash).toBe("");
      expect(u.username + u.password).toBe("");
      expect([...u.searchParams.keys()].filter((k) => TRACKING_PARAM.test(k))).toEqual([]);
    }),
    RUNS,
  );
});

it("never lets anything but http(s) through", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (input) => {
      const c = canon(input);
      if (c !== null) expect(isHttp(c)).toBe(true);
    }),
    RUNS,
  );
});
