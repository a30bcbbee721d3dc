import { DomUtils, parseDocument } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { renderBlock, renderComment } from "./markdown.js";
import { htmlToMailText } from "./text.js";

const utm = { source: "s", medium: "email", campaign: "c" };
const tags = (html: string) =>
  DomUtils.findAll(() => true, parseDocument(html).children).map((el) => el.name);
const hrefs = (html: string) =>
  DomUtils.findAll((el) => el.name === "a", parseDocument(html).children).map((a) => a.attribs.href);

describe("renderBlock (intro, section bodies)", () => {
  it("formats paragraphs, lists, emphasis and links, with inline styles", () => {
    const html = renderBlock("Hello *world*.\n\n- one\n- [two](https://example.com/two?a=1#x)", utm);
    expect(tags(html)).toEqual(["p", "em", "ul", "li", "li", "a"]);
    expect(hrefs(html)).toEqual([
      "https://example.com/two?a=1&utm_source=s&utm_medium=email&utm_campaign=c#x",
    ]);
    expect(html).toMatch(/<p style="[^"]+">/);
  });

  it("turns bare URLs into tagged links but leaves e-mail addresses as text", () => {
    const html = renderBlock("See https://example.com/p and write to editor@example.com", utm);
    expect(hrefs(html)).toEqual(["https://example.com/p?utm_source=s&utm_medium=email&utm_campaign=c"]);
    expect(html).toContain("editor@example.com");
  });

  it("never lets raw HTML, images, handlers or non-http(s) links through", () => {
    const cases = [
      "<script>alert(1)</script>",
      '<img src=x onerror="alert(1)">',
      "![pixel](https://tracker.example/p.gif)",
      "[x](javascript:alert(1))",
      "[x](JAVASCRIPT:alert(1))",
      "[x](data:text/html;base64,PHNjcmlwdD4=)",
      "[x](vbscript:msgbox)",
      "[x](mailto:a@example.com)",
      '<a href="javascript:alert(1)">x</a>',
      "[x][r]\n\n[r]: javascript:alert(1)",
      '<iframe src="https://evil.example"></iframe>',
      "<https://ok.example/> <javascript:alert(1)>",
    ];
    for (const md of cases) {
      const html = renderBlock(md, utm);
      const doc = parseDocument(html);
      for (const el of DomUtils.findAll(() => true, doc.children)) {
        expect(["script", "img", "iframe"], md).not.toContain(el.name);
        for (const name of Object.keys(el.attribs)) expect(["href", "style"], md).toContain(name);
        if (el.attribs.href) expect(el.attribs.href, md).toMatch(/^https?:\/\//);
      }
    }
  });

  it("keeps headings out (sections have their own) and gives empty input no markup", () => {
    expect(tags(renderBlock("# Big\n\nText", utm))).toEqual(["p", "p"]);
    expect(renderBlock("", utm)).toBe("");
    expect(renderBlock("   \n", utm)).toBe("");
    expect(renderBlock(null, utm)).toBe("");
  });
});

describe("renderComment (the small subset)", () => {
  it("allows emphasis, code, links and line breaks but no lists or quotes", () => {
    const html = renderComment(
      "**Good** `code`\nsee [doc](https://example.com)\n\n- not a list\n> not a quote",
      utm,
    );
    expect(tags(html)).toEqual(["p", "strong", "code", "br", "a", "p", "br"]);
  });
});

describe("htmlToMailText", () => {
  it("gives paragraphs, list items and links as text (url)", () => {
    const html = renderBlock(
      "A [link](https://example.com/a).\n\n1. one\n2. two\n\n> quoted\n\nhttps://bare.example/x",
      utm,
    );
    expect(htmlToMailText(html)).toBe(
      [
        "A link (https://example.com/a?utm_source=s&utm_medium=email&utm_campaign=c).",
        "1. one\n2. two",
        "> quoted",
        "https://bare.example/x?utm_source=s&utm_medium=email&utm_campaign=c",
      ].join("\n\n"),
    );
    expect(htmlToMailText(html, { urls: false })).toBe(
      "A link.\n\n1. one\n2. two\n\n> quoted\n\nhttps://bare.example/x",
    );
  });

  it("decodes entities back to the characters", () => {
    expect(htmlToMailText(renderBlock('a < b & "c" <img src=x>', utm))).toBe('a < b & "c" <img src=x>');
  });
});
