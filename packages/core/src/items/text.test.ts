import { describe, expect, it } from "vitest";
import { normalizeSearch, searchTerms, searchTextOf, truncateGraphemes } from "./text.js";

describe("normalizeSearch", () => {
  it("folds case, full-width and half-width forms so the editor finds what they type", () => {
    expect(normalizeSearch("ＫＡＧＧＬＥ  Grand\u3000Prix")).toBe("kaggle grand prix");
    expect(normalizeSearch("ｶﾞｲﾄﾞ")).toBe("ガイド");
    expect(normalizeSearch("機械学習")).toBe("機械学習");
  });

  it("builds the stored search text from title, description and domain", () => {
    expect(searchTextOf({ title: "LLM の評価", description: "Ｂｅｎｃｈｍａｒｋ", domain: "zenn.dev" })).toBe(
      "llm の評価 benchmark zenn.dev",
    );
  });

  it("splits q into distinct terms", () => {
    expect(searchTerms("  Kaggle  ｋａｇｇｌｅ 優勝 ")).toEqual(["kaggle", "優勝"]);
    expect(searchTerms("   ")).toEqual([]);
  });
});

describe("truncateGraphemes", () => {
  it("leaves short text alone", () => {
    expect(truncateGraphemes("short", 10)).toBe("short");
  });

  it("never cuts a Japanese character, emoji or combining sequence in half", () => {
    const ja = "日本語の説明文です。".repeat(40);
    const cut = truncateGraphemes(ja, 300);
    expect(
      [...new Intl.Segmenter("ja", { granularity: "grapheme" }).segment(cut)].length,
    ).toBeLessThanOrEqual(300);
    expect(cut.endsWith("…")).toBe(true);
    expect(ja.startsWith(cut.slice(0, -1))).toBe(true);

    const family = "👨‍👩‍👧‍👦";
    const emoji = truncateGraphemes(family.repeat(5), 3);
    expect(emoji).toBe(`${family}${family}…`);
    const combining = truncateGraphemes("e\u0301".repeat(5), 3);
    expect(combining).toBe("e\u0301e\u0301…");
  });

  it("drops dangling spaces and punctuation before the ellipsis", () => {
    expect(truncateGraphemes("one two, three four", 9)).toBe("one two…");
    expect(truncateGraphemes("これは、テストです", 5)).toBe("これは…");
  });
});
