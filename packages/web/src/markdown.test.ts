import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown, plainText, safeHref } from "./markdown.js";

const text = (t: string) => ({ type: "text", text: t });

describe("parseInline", () => {
  it("keeps markup-looking text as text", () => {
    expect(parseInline("<script>alert(1)</script> & <b>x</b>")).toEqual([
      text("<script>alert(1)</script> & <b>x</b>"),
    ]);
  });

  it("reads bold, emphasis and code", () => {
    expect(parseInline("a **b** *c* _d_ `e*f`")).toEqual([
      text("a "),
      { type: "strong", children: [text("b")] },
      text(" "),
      { type: "em", children: [text("c")] },
      text(" "),
      { type: "em", children: [text("d")] },
      text(" "),
      { type: "code", text: "e*f" },
    ]);
  });

  it("nests emphasis inside bold", () => {
    expect(parseInline("**a *b* c**")).toEqual([
      { type: "strong", children: [text("a "), { type: "em", children: [text("b")] }, text(" c")] },
    ]);
  });

  it("links only http(s) addresses", () => {
    expect(parseInline("[doc](https://example.com/a?b=1)")).toEqual([
      { type: "link", href: "https://example.com/a?b=1", children: [text("doc")] },
    ]);
    expect(parseInline("[x](javascript:alert(1))")).toEqual([text("[x](javascript:alert(1))")]);
    expect(parseInline("[x](data:text/html,hi)")).toEqual([text("[x](data:text/html,hi)")]);
  });

  it("links bare URLs without the sentence's punctuation", () => {
    expect(parseInline("see https://example.com/x.")).toEqual([
      text("see "),
      { type: "link", href: "https://example.com/x", children: [text("https://example.com/x")] },
      text("."),
    ]);
  });

  it("does not nest links", () => {
    const [link] = parseInline("[https://a.example](https://b.example)");
    expect(link).toEqual({ type: "link", href: "https://b.example/", children: [text("https://a.example")] });
  });

  it("leaves lone or spaced delimiters alone", () => {
    expect(parseInline("2 * 3 * 4")).toEqual([text("2 * 3 * 4")]);
    expect(parseInline("snake_case_name")).toEqual([text("snake_case_name")]);
    expect(parseInline("**")).toEqual([text("**")]);
    expect(parseInline("`open")).toEqual([text("`open")]);
  });

  it("honours backslash escapes", () => {
    expect(parseInline("\\*not em\\*")).toEqual([text("*not em*")]);
  });

  it("reads Japanese text with emphasis", () => {
    expect(parseInline("**重要**な更新です")).toEqual([
      { type: "strong", children: [text("重要")] },
      text("な更新です"),
    ]);
  });
});

describe("parseMarkdown", () => {
  it("splits paragraphs on blank lines and keeps single line breaks", () => {
    const out = parseMarkdown("one\ntwo\r\n\r\nthree\n\n\n");
    expect(out).toHaveLength(2);
    expect(out[0]!.lines.map(plainText)).toEqual(["one", "two"]);
    expect(out[1]!.lines.map(plainText)).toEqual(["three"]);
  });

  it("is empty for nothing", () => {
    expect(parseMarkdown("")).toEqual([]);
    expect(parseMarkdown(null)).toEqual([]);
    expect(parseMarkdown("  \n \n")).toEqual([]);
  });
});

describe("safeHref", () => {
  it("accepts http(s) only", () => {
    expect(safeHref("https://example.com")).toBe("https://example.com/");
    expect(safeHref(" http://example.com/a ")).toBe("http://example.com/a");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("//example.com")).toBeNull();
  });
});
