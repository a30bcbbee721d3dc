/**
 * Properties of the feed reader (fast-check): whatever the bytes, `parseFeed` returns a feed or
 * throws a FeedError, and every URL it hands out is absolute http(s) (or null).
 */
import fc from "fast-check";
import { beforeEach, expect, it } from "vitest";
import { anyUrl, isHttp, RUNS } from "../testing/property.js";
import { FeedError, type FeedInput, parseFeed } from "./index.js";

/** How often the interesting paths were taken, so a property cannot pass by never reaching them. */
const seen = { feeds: 0, errors: 0, urls: 0, summaries: 0 };
beforeEach(() => Object.assign(seen, { feeds: 0, errors: 0, urls: 0, summaries: 0 }));

function check(input: FeedInput): void {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(input);
  } catch (e) {
    if (!(e instanceof FeedError)) throw e;
    seen.errors++;
    return;
  }
  seen.feeds++;
  const urls = [feed.link, ...feed.entries.flatMap((e) => [e.url, e.imageUrl])];
  expect(urls.filter((u) => u !== null && !isHttp(u))).toEqual([]);
  seen.urls += urls.filter((u) => u !== null).length;
  for (const e of feed.entries) {
    if (e.summaryText) seen.summaries++;
    expect(typeof e.title).toBe("string");
  }
}

const FETCHED_FROM = fc.constantFrom("https://feeds.example.org/feed.xml", "http://blog.example/a/b/rss");
const CONTENT_TYPES = fc.option(
  fc.constantFrom(
    "application/rss+xml; charset=utf-8",
    "text/xml; charset=ISO-8859-1",
    "application/json",
    "text/html; charset=shift_jis",
    "application/xml; charset=utf-16",
    "text/plain; charset=bogus",
  ),
  { nil: undefined },
);

const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
const text = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const hostileHtml = fc
  .tuple(anyUrl, anyUrl)
  .map(
    ([a, b]) =>
      `<p onclick="x()">hi <a href="${attr(a)}">a</a><img src="${attr(b)}" onerror="alert(1)"><script>alert(1)</script><iframe src="${attr(a)}"></iframe><a href="java&#x09;script:alert(1)">j</a></p>`,
  );

/** Pieces of RSS, Atom and RDF documents, URLs of every kind in every place a URL goes. */
const xmlPiece = fc.oneof(
  fc.constantFrom(
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?xml version="1.0" encoding="windows-1252"?>',
    '<rss version="2.0">',
    "</rss>",
    "<channel>",
    "</channel>",
    "<item>",
    "</item>",
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    "</feed>",
    "<entry>",
    "</entry>",
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">',
    "<title>",
    "</title>",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "&nbsp;",
    "&undefined;",
    '<!DOCTYPE x [<!ENTITY e "<b>boom</b>">]>',
    "&e;",
    "<pubDate>not a date</pubDate>",
    "<updated>2026-13-45T99:00:00Z</updated>",
    "<guid>same</guid>",
    "<",
    ">",
    "/>",
  ),
  anyUrl.map((u) => `<link>${text(u)}</link>`),
  anyUrl.map((u) => `<link rel="alternate" href="${attr(u)}"/>`),
  anyUrl.map((u) => `<guid isPermaLink="true">${text(u)}</guid>`),
  anyUrl.map((u) => `<id>${text(u)}</id>`),
  anyUrl.map((u) => `<entry xml:base="${attr(u)}">`),
  anyUrl.map((u) => `<enclosure url="${attr(u)}" type="image/png"/>`),
  anyUrl.map((u) => `<media:thumbnail xmlns:media="http://search.yahoo.com/mrss/" url="${attr(u)}"/>`),
  hostileHtml.map((h) => `<description>${text(h)}</description>`),
  hostileHtml.map((h) => `<description><![CDATA[${h}]]></description>`),
  hostileHtml.map((h) => `<content type="html">${text(h)}</content>`),
  hostileHtml.map(
    (h) => `<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${h}</div></content>`,
  ),
  fc.string({ unit: "binary", maxLength: 12 }),
);

const xmlish = fc.array(xmlPiece, { maxLength: 30 }).map((pieces) => pieces.join(""));

/** A well-formed RSS skeleton with arbitrary pieces inside its items. */
const rssish = fc
  .array(fc.array(xmlPiece, { maxLength: 6 }), { maxLength: 5 })
  .map(
    (items) =>
      `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${items.map((i) => `<item>${i.join("")}</item>`).join("")}</channel></rss>`,
  );

const jsonValue = fc.oneof(anyUrl, hostileHtml, fc.jsonValue({ maxDepth: 2 }));
const jsonFeed = fc
  .record(
    {
      version: fc.constantFrom("https://jsonfeed.org/version/1.1", "https://jsonfeed.org/version/1", "2"),
      title: jsonValue,
      home_page_url: jsonValue,
      items: fc.oneof(
        jsonValue,
        fc.array(
          fc.record(
            {
              id: jsonValue,
              url: jsonValue,
              external_url: jsonValue,
              title: jsonValue,
              content_html: jsonValue,
              content_text: jsonValue,
              summary: jsonValue,
              image: jsonValue,
              banner_image: jsonValue,
              date_published: jsonValue,
              attachments: fc.array(
                fc.record({ url: jsonValue, mime_type: fc.constantFrom("image/png", 3) }),
              ),
              tags: jsonValue,
              authors: jsonValue,
            },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
      ),
    },
    { requiredKeys: ["version"] },
  )
  .map((doc) => JSON.stringify(doc));

it("reads arbitrary bytes into a feed or a FeedError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), CONTENT_TYPES, FETCHED_FROM, (body, contentType, url) =>
      check({ body, contentType, url }),
    ),
    RUNS,
  );
});

it("reads XML-ish text (as text and as bytes) into a feed with only http(s) links, or a FeedError", () => {
  fc.assert(
    fc.property(fc.oneof(xmlish, rssish), CONTENT_TYPES, FETCHED_FROM, (doc, contentType, url) => {
      check({ body: doc, url });
      check({ body: Buffer.from(doc, "utf8"), contentType, url });
    }),
    RUNS,
  );
  expect(seen.feeds).toBeGreaterThan(20);
  expect(seen.summaries).toBeGreaterThan(20);
  expect(seen.urls).toBeGreaterThan(20);
});

it("reads JSON-ish text into a feed with only http(s) links, or a FeedError", () => {
  fc.assert(
    fc.property(fc.oneof(jsonFeed, fc.json({ maxDepth: 3 })), FETCHED_FROM, (doc, url) => {
      check({ body: doc, url });
      check({ body: Buffer.from(doc, "utf8"), contentType: "application/feed+json", url });
    }),
    RUNS,
  );
  expect(seen.feeds).toBeGreaterThan(40);
  expect(seen.urls).toBeGreaterThan(20);
});
