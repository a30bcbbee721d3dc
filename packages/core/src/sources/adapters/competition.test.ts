import { describe, expect, it } from "vitest";
import { buildSource } from "../manage.js";
import { openByDates, parseReward } from "./competition.js";

describe("parseReward", () => {
  it("reads an amount and an ISO currency from the platforms' prize texts", () => {
    expect(parseReward("$50,000")).toEqual({ amount: 50000, currency: "USD" });
    expect(parseReward("$25 000 USD")).toEqual({ amount: 25000, currency: "USD" });
    expect(parseReward("€2 000 EUR")).toEqual({ amount: 2000, currency: "EUR" });
    expect(parseReward("1000 CHF")).toEqual({ amount: 1000, currency: "CHF" });
    expect(parseReward("100万円")).toEqual({ amount: 1_000_000, currency: "JPY" });
    expect(parseReward("賞金総額 ¥3,000,000")).toEqual({ amount: 3_000_000, currency: "JPY" });
    expect(parseReward("$10K in prizes")).toEqual({ amount: 10000, currency: "USD" });
  });

  it("keeps only the words of a prize that is no money", () => {
    for (const text of ["500 Zindi Points", "Knowledge", "Swag", "", null, undefined])
      expect(parseReward(text)).toEqual({ amount: null, currency: null });
  });
});

describe("openByDates", () => {
  const now = new Date("2026-10-01T00:00:00Z");
  it("is open between start and deadline, and cannot tell without a deadline", () => {
    expect(openByDates("2026-09-01T00:00:00Z", "2026-11-01T00:00:00Z", now)).toBe(true);
    expect(openByDates("2026-10-02T00:00:00Z", "2026-11-01T00:00:00Z", now)).toBe(false);
    expect(openByDates(null, "2026-09-30T00:00:00Z", now)).toBe(false);
    expect(openByDates(null, null, now)).toBeNull();
  });
});

describe("competitions sources", () => {
  const now = new Date("2026-10-01T00:00:00Z");
  it("name a platform, read its own listing unless given another url, and are one source per listing", () => {
    const zindi = buildSource({ kind: "competitions", platform: "zindi" }, now);
    expect(zindi).toMatchObject({ kind: "competitions", platform: "zindi", name: "Zindi competitions" });
    expect(zindi.url).toBeUndefined();
    expect(zindi.id).toMatch(/^zindi-[0-9a-f]{8}$/);
    const other = buildSource(
      { kind: "competitions", platform: "zindi", url: "https://example.org/api" },
      now,
    );
    expect(other.naturalKey).not.toBe(zindi.naturalKey);
    expect(buildSource({ kind: "competitions", platform: "zindi" }, now).naturalKey).toBe(zindi.naturalKey);
  });

  it("refuse an unknown platform or a bad url, naming the field", () => {
    expect(() => buildSource({ kind: "competitions", platform: "signate" }, now)).toThrow(
      /^platform: must be one of zindi, codabench, aicrowd, codalab, mlcontests$/,
    );
    expect(() => buildSource({ kind: "competitions", platform: "codalab", url: "ftp://x" }, now)).toThrow(
      /^url: /,
    );
  });
});
