import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { FeedError, parseFeed } from "./index.js";

const file = (path: string) => readFileSync(new URL(path, import.meta.url));
const URL_ = "https://feeds.example.org/feed";

describe("parseFeed on real documents", () => {
  it("decodes undeclared Shift_JIS and EUC-JP Japanese feeds from bytes", () => {
    const sjis = parseFeed({
      body: file("../encoding/testdata/atom-ja-shift_jis-undeclared.xml"),
      contentType: "application/xml",
      url: URL_,
    });
    expect(sjis.entries[0]?.title).toBe("DrecomRSSに記事投稿が反映されない…");
    const euc = parseFeed({ body: file("../encoding/testdata/rss-ja-euc-jp-undeclared.xml"), url: URL_ });
    expect(euc.format).toBe("rss");
    expect(euc.entries[0]?.title).toBe("ゲーム三昧な正月");
    expect(euc.entries[0]?.summaryText).toMatch(
      /^『SDガンダムGジェネレーションNEO』をずっとプレイしている。/,
    );
  });

  it("decodes a declared ISO-8859-1 feed", () => {
    const feed = parseFeed({ body: file("../encoding/testdata/rss2-iso-8859-1-declared.rss"), url: URL_ });
    expect(feed.title).toBe("Jornal de Notícias - Últimas Notícias");
    expect(feed.entries).toHaveLength(40);
    expect(feed.entries[0]).toMatchObject({
      title: "Mãe de utente é a nova presidente da Raríssimas",
    });
    // Feedburner's 1×1 tracking pixel is not a summary.
    expect(feed.entries[1]?.summaryText).toBeNull();
  });

  it("resolves GitHub releases.atom's relative links against the feed link", () => {
    const feed = parseFeed({
      body: file("./testdata/atom-github-releases-gulp-2015.atom"),
      url: "https://github.com/gulpjs/gulp/releases.atom",
    });
    expect(feed).toMatchObject({
      format: "atom",
      title: "Release notes from gulp",
      link: "https://github.com/gulpjs/gulp/releases",
    });
    expect(feed.entries[0]).toMatchObject({
      id: "tag:github.com,2008:Repository/11167738/v3.9.0",
      url: "https://github.com/gulpjs/gulp/releases/tag/v3.9.0",
      title: "v3.9.0",
      author: "contra",
      publishedAt: "2015-06-01T21:49:41.000Z",
    });
  });

  it("reads YouTube's media:group (thumbnail, description)", () => {
    const e = parseFeed({ body: file("./testdata/atom-youtube-mediarss.xml"), url: URL_ }).entries[0];
    expect(e).toMatchObject({
      url: "https://www.youtube.com/watch?v=0A1ouV7iD8o",
      imageUrl: "https://i1.ytimg.com/vi/0A1ouV7iD8o/hqdefault.jpg",
      summaryText:
        "Check Out Weathered on PBS Terra https://www.youtube.com/watch?v=znSN7ZFIaOg&ab_channel=PBSTerra",
    });
  });

  it("reads a Zenn feed (CDATA, enclosure picture, dc:creator)", () => {
    const feed = parseFeed({
      body: file("./testdata/rss2-ja-zenn-user-feed.xml"),
      url: "https://zenn.dev/lapi/feed",
    });
    expect(feed.title).toBe("Lapiさんのフィード");
    expect(feed.entries[0]).toMatchObject({
      title: "DMX512を使ってテープライトを制御してみる",
      author: "Lapi",
      publishedAt: "2023-12-27T17:08:24.000Z",
      imageUrl: expect.stringMatching(/^https:\/\/res\.cloudinary\.com\/zenn\//),
    });
  });

  it("reads JSON Feed 1.1 with RFC 822 dates and entities in titles", () => {
    const feed = parseFeed({
      body: file("./testdata/jsonfeed-1.1-influxdata.json"),
      contentType: "application/feed+json",
      url: URL_,
    });
    expect(feed.title).toBe("Blog – InfluxData");
    expect(feed.entries[0]).toMatchObject({
      title: "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark",
      publishedAt: "2019-05-31T19:17:58.000Z",
      author: "Chris Churilo",
    });
  });

  it("accepts text that is already decoded", () => {
    expect(parseFeed({ body: "<rss><channel><title>t</title></channel></rss>", url: URL_ }).title).toBe("t");
  });

  it("decodes by the HTTP charset and by BOM-less UTF-16", () => {
    const doc =
      '<?xml version="1.0" encoding="utf-16"?><rss><channel><title>Ĳsselmeer</title></channel></rss>';
    expect(parseFeed({ body: Buffer.from(doc, "utf16le"), url: URL_ }).title).toBe("Ĳsselmeer");
    const koi = iconv.encode("<rss><channel><title>Привет</title></channel></rss>", "koi8-r");
    expect(
      parseFeed({ body: koi, contentType: "application/rss+xml; charset=KOI8-R", url: URL_ }).title,
    ).toBe("Привет");
  });
});

describe("parseFeed rejects what is not a feed with a FeedError", () => {
  it.each([
    [
      "an HTML page",
      "<!DOCTYPE html><html><head><title>Home</title></head><body><p>hi</p></body></html>",
      /got an HTML page/,
    ],
    ["an HTML page without a doctype", "<html lang=en><body>x", /got an HTML page/],
    ["an empty body", "", /empty/],
    ["whitespace", " \n\t ", /empty/],
    ["plain text", "Service Unavailable", /neither XML nor JSON/],
    ["invalid JSON", '{"version": ', /invalid JSON/],
    ["JSON that is not a JSON Feed", '{"items": []}', /not a JSON Feed/],
    ["a JSON array", '[{"tag_name":"v1"}]', /not a JSON Feed/],
    ["an unknown XML document", "<svg xmlns='http://www.w3.org/2000/svg'/>", /unknown root element <svg>/],
    ["only a comment", "<!-- nothing -->", /no XML element/],
  ])("%s", (_name, body, message) => {
    const run = () => parseFeed({ body: Buffer.from(body), url: URL_ });
    expect(run).toThrow(FeedError);
    expect(run).toThrow(message);
  });

  it("treats names like __proto__ and constructor as plain names", () => {
    const body =
      '<?xml version="1.0" encoding="constructor"?><rss xmlns:a="constructor" xmlns:__proto__="x"><channel __proto__="1">' +
      "<a:title>no</a:title><__proto__:title>no</__proto__:title><constructor:x/><title>t\u00e9</title>" +
      "<item><pubDate>Thu, 01 Jan 2004 10:00 constructor</pubDate><pubDate>01 __proto__ 2004</pubDate></item></channel></rss>";
    const feed = parseFeed({
      body: Buffer.from(body, "utf8"),
      contentType: "text/xml; charset=__proto__",
      url: URL_,
    });
    expect(feed.title).toBe("t\u00e9");
    expect(feed.entries[0]?.publishedAt).toBeNull();
  });

  it("never throws anything but FeedError on random bytes", () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + (i % 64) * 8 }, rand));
      if (i % 3 === 0) bytes[0] = 0x3c; // "<": take the XML path
      try {
        parseFeed({ body: bytes, url: URL_ });
      } catch (e) {
        expect(e).toBeInstanceOf(FeedError);
      }
    }
  });
});
