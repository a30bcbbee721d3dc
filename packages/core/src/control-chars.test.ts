import { describe, expect, it } from "vitest";
import { singleLineProblem, stripControls, stripXmlForbidden } from "./control-chars.js";
import { checkItemEdit } from "./items/edit.js";
import { buildSource } from "./sources/manage.js";

describe("singleLineProblem", () => {
  it("refuses C0 controls but tab, DEL, C1 controls and every line break, naming the first", () => {
    for (const ch of [
      "\u0000",
      "\u0007",
      "\u000b",
      "\u000c",
      "\u001b",
      "\u001f",
      "\u007f",
      "\u0080",
      "\u0085",
      "\u009f",
    ]) {
      expect(singleLineProblem(`ab${ch}c`), JSON.stringify(ch)).toBe(
        `must not contain control characters (U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at 2)`,
      );
    }
    for (const ch of ["\n", "\r", "\r\n", "\u2028", "\u2029"])
      expect(singleLineProblem(`a${ch}b`)).toBe("must be a single line");
  });

  it("takes tab, spaces and any script", () => {
    for (const ok of [
      "",
      "Weekly #72\t(ML)",
      "機械学習 ニュース",
      "émoji 🚀",
      "\u00a0nbsp\u00a0",
      "\u200ertl\u200f mark",
    ])
      expect(singleLineProblem(ok), ok).toBeUndefined();
  });
});

describe("stripControls", () => {
  it("keeps tab and LF, makes CR, CRLF, U+2028 and U+2029 LF, drops every other control", () => {
    expect(stripControls("a\u0000b\u001b[0m\tc\r\nd\re\u2028f\u2029g\u007f\u0085\u009bh")).toBe(
      "ab[0m\tc\nd\ne\nf\ngh",
    );
    expect(stripControls("plain text\nsecond line")).toBe("plain text\nsecond line");
  });
});

describe("core entry points", () => {
  it("sources refuse control characters in name, Kaggle search and category", () => {
    const now = new Date();
    for (const [input, field] of [
      [{ kind: "kaggle", search: "llm\u001b" }, "search"],
      [{ kind: "kaggle", category: "featured\u0000" }, "category"],
      [{ kind: "feed", url: "https://example.com/feed", name: "Blog\u0085" }, "name"],
    ] as const) {
      expect(() => buildSource(input, now), field).toThrow(
        expect.objectContaining({ details: [expect.objectContaining({ field })] }),
      );
    }
    expect(buildSource({ kind: "kaggle", search: " llm " }, now).search).toBe("llm");
  });

  it("item edits refuse control characters on one line and strip them from comments and descriptions", () => {
    expect(() => checkItemEdit({ section: "News\u009b" })).toThrow(
      /section: must not contain control characters/,
    );
    expect(() => checkItemEdit({ title: "T\u0000" })).toThrow(/title/);
    expect(
      checkItemEdit({ section: "Two\nlines", comment: "a\u0007b\r\nc", description: "\u001bx" }),
    ).toEqual({
      section: "Two lines",
      comment: "ab\nc",
      description: "x",
      descriptionSource: "editor",
    });
  });
});

describe("stripXmlForbidden", () => {
  it("drops what XML 1.0 forbids and keeps everything else", () => {
    expect(stripXmlForbidden("a\u0000b\u0001c\u0008d\u000be\u000cf\u001fg")).toBe("abcdefg");
    expect(stripXmlForbidden("tab\tlf\ncr\r")).toBe("tab\tlf\ncr\r");
    expect(stripXmlForbidden("x\ufffey\uffffz")).toBe("xyz");
    // lone surrogates go, a pair (an emoji) stays
    expect(stripXmlForbidden("\ud83d\ude00 \ud83d! \ude00?")).toBe("\ud83d\ude00 ! ?");
    expect(stripXmlForbidden("end\ud800")).toBe("end");
    expect(stripXmlForbidden("日本語 \u00e9 \ufffd")).toBe("日本語 \u00e9 \ufffd");
  });
});
