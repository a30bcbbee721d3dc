import { describe, expect, it } from "vitest";
import { renderBlock } from "./markdown.js";
import { htmlToMailText } from "./text.js";

describe("htmlToMailText on deep markup", () => {
  it("walks emphasis nested ~5,000 deep (a 20,000-character intro) without overflowing the stack", () => {
    const html = renderBlock(`${"*".repeat(9_999)}x${"*".repeat(9_999)}`, null);
    expect(html.split("<strong").length).toBeGreaterThan(4_000);
    expect(htmlToMailText(html)).toBe("x");
  });

  it("keeps list numbering and link text after content of any depth", () => {
    const html = `<ol><li>${"<em>".repeat(3_000)}a${"</em>".repeat(3_000)}</li><li><a href="https://e.example/">b</a></li></ol>`;
    expect(htmlToMailText(html)).toBe("1. a\n2. b (https://e.example/)");
  });
});
