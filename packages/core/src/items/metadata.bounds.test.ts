import { describe, expect, it } from "vitest";
import { ParseLimitError } from "../parse/limits.js";
import { deepPage } from "../parse/testing.js";
import { extractMetadata, toPlainText } from "./metadata.js";

const URL_ = "https://e.example/p";

describe("extractMetadata past the parse bounds", () => {
  it("fails a page nested 600,000 deep with a ParseLimitError, not a RangeError", () => {
    expect(() => extractMetadata(deepPage(600_000), URL_)).toThrow(
      new ParseLimitError("the page nests deeper than 512 elements"),
    );
  });

  it("keeps a card the head completed before a deep body", () => {
    const head = `<title>T</title><meta name="description" content="D"><meta property="og:image" content="/i.png">`;
    const page = `<html><head>${head}</head><body>${"<div>".repeat(100_000)}</body></html>`;
    expect(extractMetadata(page, URL_)).toEqual({
      title: "T",
      description: "D",
      imageUrl: "https://e.example/i.png",
      siteName: null,
    });
  });

  it("reads a page nested 500 deep, with its late metadata", () => {
    const page = `<html><head><title>T</title></head><body>${"<div>".repeat(500)}<meta name="description" content="late"></body></html>`;
    expect(extractMetadata(page, URL_)).toMatchObject({ title: "T", description: "late" });
  });

  it("fails a meta value whose HTML nests too deep, naming it", () => {
    const value = "&lt;b&gt;".repeat(1_000);
    expect(() => extractMetadata(`<meta property="og:title" content="${value}">`, URL_)).toThrow(
      new ParseLimitError("HTML in the page's metadata nests deeper than 512 elements"),
    );
    expect(() => toPlainText("<i>".repeat(600))).toThrow(ParseLimitError);
  });
});
