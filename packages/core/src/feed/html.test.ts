import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RUNS } from "../testing/property.js";
import { firstImageSrc, htmlToText, looksLikeHtml, readHtml, textToHtml, tidyLines } from "./html.js";

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

describe("shortcuts the adapter takes", () => {
  const texty = fc.string({
    unit: fc.constantFrom("a", " ", "\n", "\r", "\t", "<", ">", "&", ";", "\u00a0", "b", "p", "/"),
  });

  it("plain text tidied as it is reads the same as escaped into HTML and parsed back", () => {
    fc.assert(
      fc.property(fc.oneof(texty, fc.string()), (s) => {
        expect(tidyLines(s.trim())).toBe(htmlToText(textToHtml(s.trim()), { lines: true }));
      }),
      RUNS,
    );
  });

  it("readHtml gives htmlToText's text and firstImageSrc's picture from one parse", () => {
    const fragments = [
      "",
      "plain &amp; simple",
      'x <img src="p.gif" width="1"> <p>y<img src=" a.png "></p><img src="b.png">',
      "<script><img src='no.png'></script>text",
      "<IMG SRC=data:x><br><img src=c.jpg>",
    ];
    for (const f of fragments) {
      for (const lines of [true, false]) {
        expect(readHtml(f, { lines, image: true })).toEqual({
          text: htmlToText(f, { lines }),
          image: firstImageSrc(f),
        });
      }
    }
  });

  it("firstImageSrc stops at the first picture, whatever follows", () => {
    expect(firstImageSrc(`<img src="first.png">${"<div>".repeat(600)}`)).toBe("first.png");
  });
});
