import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeSearch, searchTerms, searchTextOf, shortDescription, truncateGraphemes } from "./index.js";

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

describe("shortDescription", () => {
  const graphemeCount = (s: string) => [...new Intl.Segmenter().segment(s)].length;

  it("keeps text of 160 graphemes or fewer as it is (whitespace collapsed)", () => {
    expect(shortDescription("  A short   summary.\n")).toBe("A short summary.");
    expect(shortDescription("あ".repeat(160))).toBe("あ".repeat(160));
  });

  it("cuts after the last whole sentence in the second half, without an ellipsis", () => {
    const en = `${"Word ".repeat(20).trim()}. ${"Second sentence goes on ".repeat(2).trim()}. ${"More ".repeat(40)}`;
    const out = shortDescription(en);
    expect(out.endsWith("goes on.")).toBe(true);
    const ja = `${"あ".repeat(90)}。${"い".repeat(100)}`;
    expect(shortDescription(ja)).toBe(`${"あ".repeat(90)}。`);
  });

  it("a sentence end too early (first half) is not used: the cut goes to the last word", () => {
    const text = `Short. ${"lorem ipsum ".repeat(30)}`;
    const out = shortDescription(text);
    expect(out.endsWith("…")).toBe(true);
    expect(out).not.toMatch(/\s…$/);
    expect(out.length).toBeGreaterThan(100);
    expect(text.startsWith(out.slice(0, -1))).toBe(true);
    expect(out.slice(0, -1).endsWith("lorem") || out.slice(0, -1).endsWith("ipsum")).toBe(true);
  });

  it("text without spaces or sentence ends is cut on a grapheme boundary (emoji never split)", () => {
    const family = "👨‍👩‍👧‍👦";
    const out = shortDescription(family.repeat(200));
    expect(out).toBe(`${family.repeat(159)}…`);
  });

  it("never gives more than 160 graphemes, and is a prefix of the collapsed text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), (s) => {
        const out = shortDescription(s);
        expect(graphemeCount(out)).toBeLessThanOrEqual(160);
        const collapsed = s.replace(/[\s\u3000]+/gu, " ").trim();
        expect(collapsed.startsWith(out.replace(/…$/, "").trimEnd())).toBe(true);
      }),
    );
  });
});
