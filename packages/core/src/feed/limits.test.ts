/**
 * Hostile feeds (DESIGN.md data flow 3: "a hostile document fails alone"): each fails with a
 * FeedError in words, never a RangeError, and takes time linear in its size. The shallow ones
 * were quadratic in their size before; they now read normally.
 */
import { describe, expect, it } from "vitest";
import { ParseBudget } from "../parse/limits.js";
import { deepFeed, deepHtmlTitleFeed, deepJsonFeed, deepTitleFeed } from "../parse/testing.js";
import { FeedError, parseFeed } from "./index.js";
import { parseXml, type XElement } from "./xml.js";

const URL_ = "https://feeds.example.org/feed";
const item = (inner: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><link>https://e.example/1</link>${inner}</item></channel></rss>`;

function failure(body: string | Buffer, budget?: ParseBudget): Error {
  try {
    parseFeed({ body, url: URL_ }, budget);
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the feed to fail");
}

describe("feeds past the nesting bound fail alone, in words", () => {
  it("a feed nested 200,000 deep (1.4 MB)", () => {
    const body = Buffer.from(deepFeed(200_000));
    expect(body.length).toBeGreaterThan(1_300_000);
    const err = failure(body);
    expect(err).toBeInstanceOf(FeedError);
    expect(err.message).toBe("the document nests deeper than 512 elements");
  });

  it("a title nested 100,000 deep, as XML or as HTML in the title", () => {
    expect(failure(deepTitleFeed(100_000))).toEqual(
      new FeedError("the document nests deeper than 512 elements"),
    );
    expect(failure(deepHtmlTitleFeed(100_000))).toEqual(
      new FeedError("HTML in the feed nests deeper than 512 elements"),
    );
  });

  it("a JSON Feed nested 200,000 deep", () => {
    const err = failure(deepJsonFeed(200_000));
    expect(err).toBeInstanceOf(FeedError);
    expect(err.message).toBe("the document nests deeper than 512 arrays or objects");
  });

  it("a summary whose HTML nests too deep", () => {
    const err = failure(item(`<description><![CDATA[${"<div>".repeat(5_000)}]]></description>`));
    expect(err).toEqual(new FeedError("HTML in the feed nests deeper than 512 elements"));
  });

  it("a long chain of relative xml:base values (each level copies the chain)", () => {
    const deep = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">${'<x xml:base="a/">'.repeat(17)}</feed>`;
    expect(failure(deep).message).toBe("the document nests xml:base deeper than 16 levels");
  });

  it("a document over the time budget", () => {
    let t = 0;
    const budget = new ParseBudget("the document", { cpuBudgetMs: 50 }, () => (t += 5));
    const many = item("").replace("<item>", "<item><title>x</title></item>".repeat(2_000) + "<item>");
    expect(failure(many, budget).message).toBe("the document took more than 50 ms of CPU time to read");
  });
});

describe("what stays within the bounds reads as before", () => {
  it("HTML nested 500 deep in a summary and a title", () => {
    const deepB = "<b>".repeat(500) + "bold" + "</b>".repeat(500);
    const feed = parseFeed({
      body: item(`<title><![CDATA[${deepB}]]></title><description><![CDATA[<p>${deepB}</p>]]></description>`),
      url: URL_,
    });
    expect(feed.entries[0]).toMatchObject({ title: "bold", summaryText: "bold" });
  });

  it("absolute xml:base values start the chain over, however many", () => {
    const open = Array.from({ length: 40 }, (_, i) => `<x xml:base="https://b${i}.example/d/">`).join("");
    let el = parseXml(`<feed>${open}<y xml:base="rel/"><z/></y></feed>`)!;
    while (el.children.length > 0) el = el.children[0] as XElement;
    expect(el.bases).toEqual(["https://b39.example/d/", "rel/"]);
    const entry = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="a/"><entry xml:base="https://b.example/d/"><id>1</id><link href="p"/></entry></feed>`;
    expect(parseFeed({ body: entry, url: URL_ }).entries[0]?.url).toBe("https://b.example/d/p");
  });

  it("a character reference cut by the 64 KiB chunks still decodes", () => {
    const pad = "a".repeat(64 * 1024);
    const before = item("\u0000").split("\u0000")[0]!;
    const at = 64 * 1024 - before.length - "<title>".length - 2;
    const body = item(`<title>${pad.slice(0, at)}&amp;b</title>`);
    expect(body.indexOf("&amp;")).toBe(64 * 1024 - 2);
    expect(parseFeed({ body, url: URL_ }).entries[0]?.title).toBe(`${pad.slice(0, at)}&b`);
  });

  it("shapes that used to be quadratic: many dates, '<a ' titles, 'a@' authors, tracking pixels", () => {
    const dates =
      "<pubDate>bad</pubDate>".repeat(50_000) + "<pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate>";
    expect(parseFeed({ body: item(dates), url: URL_ }).entries[0]?.publishedAt).toBe(
      "2026-01-05T10:00:00.000Z",
    );

    const title = "&lt;a ".repeat(100_000);
    expect(parseFeed({ body: item(`<title>${title}</title>`), url: URL_ }).entries[0]?.title).toBe(
      "<a ".repeat(100_000).trim(),
    );

    const author = "a@".repeat(100_000);
    expect(parseFeed({ body: item(`<author>${author}</author>`), url: URL_ }).entries[0]?.author).toBe(
      author,
    );
    expect(
      parseFeed({ body: item("<author>jane@example.com (Jane Doe)</author>"), url: URL_ }).entries[0]?.author,
    ).toBe("Jane Doe");

    const pixels =
      'a<img src="https://t.example/p.gif" width="1">'.repeat(20_000) + '<img src="https://e.example/i.png">';
    const summary = parseFeed({ body: item(`<description><![CDATA[${pixels}]]></description>`), url: URL_ })
      .entries[0];
    expect(summary?.summaryText).toBe("a".repeat(20_000));
  });
});
