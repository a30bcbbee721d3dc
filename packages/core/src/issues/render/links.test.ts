import { describe, expect, it } from "vitest";
import { campaignOf, httpUrl, tagUrl } from "./links.js";

const utm = { source: "weekly-kaggle-news", medium: "email", campaign: "issue-72" };
const TAGS = "utm_source=weekly-kaggle-news&utm_medium=email&utm_campaign=issue-72";

describe("tagUrl", () => {
  it.each([
    ["https://example.com/post", `https://example.com/post?${TAGS}`],
    ["https://example.com", `https://example.com/?${TAGS}`],
    // other parameters keep their order and encoding, the fragment stays
    ["https://example.com/p?b=2&a=1#part-2", `https://example.com/p?b=2&a=1&${TAGS}#part-2`],
    [
      "https://example.com/s?q=a+b&x=%E6%97%A5%20y&flag",
      `https://example.com/s?q=a+b&x=%E6%97%A5%20y&flag&${TAGS}`,
    ],
    // tracking parameters are replaced, not duplicated
    [
      "https://example.com/p?utm_source=twitter&id=7&fbclid=abc&UTM_MEDIUM=social&gclid=x",
      `https://example.com/p?id=7&${TAGS}`,
    ],
    ["http://example.com/p?#frag", `http://example.com/p?${TAGS}#frag`],
    ["https://user:secret@example.com/p", `https://example.com/p?${TAGS}`],
  ])("%s", (input, expected) => {
    expect(tagUrl(input, utm)).toBe(expected);
  });

  it("never tags twice: tagging a tagged link gives the same link", () => {
    const once = tagUrl("https://example.com/p?a=1#f", utm)!;
    expect(tagUrl(once, utm)).toBe(once);
    expect(once.match(/utm_source=/g)).toHaveLength(1);
  });

  it("drops anything that is not http(s)", () => {
    for (const bad of [
      "javascript:alert(1)",
      " JaVaScRiPt:alert(1)",
      "java\nscript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox",
      "mailto:a@example.com",
      "ftp://example.com/f",
      "//example.com/p",
      "/relative",
      "",
      null,
      undefined,
    ]) {
      expect(tagUrl(bad, utm), String(bad)).toBeNull();
      expect(httpUrl(bad), String(bad)).toBeNull();
    }
  });

  it("cleans without tagging when given no UTM values", () => {
    expect(tagUrl("https://example.com/p?utm_source=x&a=1#f", null)).toBe("https://example.com/p?a=1#f");
  });

  it("encodes UTM values", () => {
    expect(tagUrl("https://example.com/", { source: "a b&c", medium: "email", campaign: "x/1" })).toBe(
      "https://example.com/?utm_source=a%20b%26c&utm_medium=email&utm_campaign=x%2F1",
    );
  });
});

describe("campaignOf", () => {
  it("fills in the issue number", () => {
    expect(campaignOf("issue-{number}", 72)).toBe("issue-72");
    expect(campaignOf("wk{number}-{number}", 3)).toBe("wk3-3");
    expect(campaignOf("weekly", 3)).toBe("weekly");
  });
});
