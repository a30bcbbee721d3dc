/** Properties of the UTM tagger (fast-check): idempotent, keeps the rest of the URL, http(s) only. */
import fc from "fast-check";
import { expect, it } from "vitest";
import { anyUrl, isHttp, RUNS } from "../../testing/property.js";
import { TRACKING_PARAM } from "../../url/canonical.js";
import { httpUrl, tagUrl, type Utm } from "./links.js";

const utmArb: fc.Arbitrary<Utm | null> = fc.option(
  fc.record({
    source: fc.oneof(fc.constant("weekly-kaggle-news"), fc.string({ unit: "binary", maxLength: 8 })),
    medium: fc.constantFrom("email", "web", "rss"),
    campaign: fc.oneof(fc.constant("issue-72"), fc.string({ unit: "binary", maxLength: 8 })),
  }),
  { nil: null },
);

const pairs = (search: string) => search.slice(1).split("&").filter(Boolean);
const name = (pair: string) => {
  const n = (pair.split("=", 1)[0] ?? "").replace(/\+/g, " ");
  try {
    return decodeURIComponent(n);
  } catch {
    return n;
  }
};

it("is idempotent and gives only http(s) URLs", () => {
  fc.assert(
    fc.property(anyUrl, utmArb, (input, utm) => {
      const once = tagUrl(input, utm);
      if (once === null) return;
      expect(isHttp(once)).toBe(true);
      expect(tagUrl(once, utm)).toBe(once);
    }),
    RUNS,
  );
});

it("keeps every other parameter, in order and as encoded, and the fragment; adds the three utm_* last", () => {
  fc.assert(
    fc.property(anyUrl, utmArb, (input, utm) => {
      const before = httpUrl(input);
      const out = tagUrl(input, utm);
      expect(out === null).toBe(before === null);
      if (!before || !out) return;
      const after = new URL(out);
      const kept = pairs(before.search).filter((p) => !TRACKING_PARAM.test(name(p)));
      const got = pairs(after.search);
      expect(got.slice(0, kept.length)).toEqual(kept);
      expect(got.slice(kept.length).map(name)).toEqual(
        utm ? ["utm_source", "utm_medium", "utm_campaign"] : [],
      );
      expect(after.hash).toBe(before.hash);
      expect(after.pathname).toBe(before.pathname);
    }),
    RUNS,
  );
});
