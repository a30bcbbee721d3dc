import { describe, expect, it } from "vitest";
import { firstImageSrc, htmlToText, looksLikeHtml, textToHtml } from "./html.js";

describe("htmlToText", () => {
  it("drops markup, scripts and styles, decodes entities and collapses spaces", () => {
    expect(htmlToText("<b>AT&amp;T</b>\n <script>alert(1)</script><style>p{}</style> rocks&nbsp;!")).toBe(
      "AT&T rocks\u00a0!",
    );
  });

  it("keeps paragraph breaks in line mode", () => {
    expect(htmlToText("<p>one</p><p>two<br>three</p>", { lines: true })).toBe("one\n\ntwo\nthree");
  });

  it("leaves text that only looks like markup alone when it is not a tag", () => {
    expect(htmlToText("1 < 2 and 3 > 2")).toBe("1 < 2 and 3 > 2");
  });
});

describe("helpers", () => {
  it("textToHtml escapes and keeps line breaks", () => {
    expect(textToHtml("a < b\nc")).toBe("a &lt; b<br>c");
  });

  it("firstImageSrc skips pixels and data: URLs", () => {
    expect(firstImageSrc('<img src="data:x"><img src="p.gif" width="1"><p><img src="real.jpg"></p>')).toBe(
      "real.jpg",
    );
    expect(firstImageSrc("<p>none</p>")).toBeNull();
  });

  it.each([
    ["Example <b>Atom</b>", true],
    ["AT&amp;T", true],
    ["a</p>", true],
    ["1 < 2", false],
    ["Generics: List<T>", false],
    ["AT&T", false],
  ])("looksLikeHtml(%j) = %s", (s, expected) => {
    expect(looksLikeHtml(s)).toBe(expected);
  });
});
