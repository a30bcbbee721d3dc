/**
 * Table test of reading + normalising (read-xml/read-json → adapter) on small inline documents,
 * one quirk per row. The feedparser corpus (scripts/conformance.test.ts) covers far more but
 * lives outside the repository; this table keeps the behaviour pinned in CI.
 */
import { describe, expect, it } from "vitest";
import { parseFeed } from "./index.js";
import type { NormalizedEntry, ParsedFeed } from "./types.js";

const URL = "https://feeds.example.org/feed.xml";
const parse = (body: string, url = URL) => parseFeed({ body, url });
const first = (body: string, url = URL): NormalizedEntry => {
  const e = parse(body, url).entries[0];
  if (!e) throw new Error("no entry");
  return e;
};
const rss = (items: string, channel = "<title>Blog</title><link>https://blog.example/</link>") =>
  `<?xml version="1.0"?><rss version="2.0"><channel>${channel}${items}</channel></rss>`;
const atom = (entries: string, head = "<title>Blog</title>") =>
  `<feed xmlns="http://www.w3.org/2005/Atom">${head}${entries}</feed>`;

describe("formats", () => {
  const cases: [string, string, Partial<ParsedFeed>][] = [
    [
      "RSS 2.0",
      rss("<item><title>A</title><link>https://blog.example/a</link></item>"),
      { format: "rss", title: "Blog" },
    ],
    [
      "RSS 0.91 without version",
      "<rss><channel><title>Old</title></channel></rss>",
      { format: "rss", title: "Old" },
    ],
    [
      "RSS 1.0 / RDF",
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>R</title><link>https://r.example/</link></channel><item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link></item></rdf:RDF>',
      { format: "rdf", title: "R", link: "https://r.example/" },
    ],
    [
      "RSS 0.90",
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>N</title></channel><item><title>i</title></item></rdf:RDF>',
      { format: "rdf", title: "N" },
    ],
    [
      "Atom 1.0",
      atom("", '<title>A1</title><link href="https://a.example/"/>'),
      { format: "atom", title: "A1", link: "https://a.example/" },
    ],
    [
      "Atom 0.3",
      '<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title mode="escaped" type="text/html">A &lt;b&gt;03&lt;/b&gt;</title></feed>',
      { format: "atom", title: "A 03" },
    ],
    [
      "JSON Feed 1.1",
      JSON.stringify({
        version: "https://jsonfeed.org/version/1.1",
        title: "J",
        home_page_url: "https://j.example/",
        items: [],
      }),
      { format: "json", title: "J", link: "https://j.example/" },
    ],
    [
      "CDF",
      '<CHANNEL HREF="http://cdf.example/"><TITLE>C</TITLE></CHANNEL>',
      { format: "rss", title: "C", link: "http://cdf.example/" },
    ],
  ];
  it.each(cases)("%s", (_name, body, expected) => {
    expect(parse(body)).toMatchObject(expected);
  });
});

describe("titles", () => {
  it.each([
    [
      "RSS: HTML entities beyond XML",
      rss("<item><title>Caf&eacute;&nbsp;&amp; more&hellip;</title></item>"),
      "Café\u00a0& more…",
    ],
    [
      "RSS: escaped markup becomes text",
      rss("<item><title>&lt;b&gt;Bold&lt;/b&gt; move</title></item>"),
      "Bold move",
    ],
    ["RSS: double-escaped entity", rss("<item><title>AT&amp;amp;T</title></item>"), "AT&T"],
    ["RSS: a literal < is text", rss("<item><title>1 &lt; 2</title></item>"), "1 < 2"],
    ["RSS: CDATA with tags", rss("<item><title><![CDATA[<em>Hi</em> there]]></title></item>"), "Hi there"],
    [
      "RSS: dc:title fallback",
      rss('<item xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>DC</dc:title></item>'),
      "DC",
    ],
    [
      "RSS: media:title fallback",
      rss('<item xmlns:media="http://search.yahoo.com/mrss/"><media:title>M</media:title></item>'),
      "M",
    ],
    [
      "Atom text keeps brackets",
      atom('<entry><title type="text">History of the &lt;blink&gt; tag</title></entry>'),
      "History of the <blink> tag",
    ],
    [
      "Atom html",
      atom('<entry><title type="html">Example &lt;b&gt;Atom&lt;/b&gt;</title></entry>'),
      "Example Atom",
    ],
    [
      "Atom xhtml",
      atom(
        '<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example <b>Atom</b></div></title></entry>',
      ),
      "Example Atom",
    ],
    [
      "Atom 0.3 base64",
      `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><title mode="base64" type="text/html">${Buffer.from("Example <b>Atom</b>").toString("base64")}</title></entry></feed>`,
      "Example Atom",
    ],
    [
      "script content never shows",
      atom('<entry><title type="html">safe &lt;script&gt;alert(1)&lt;/script&gt;description</title></entry>'),
      "safe description",
    ],
    ["missing title is empty", rss("<item><link>https://x.example/</link></item>"), ""],
  ])("%s", (_name, body, title) => {
    expect(first(body).title).toBe(title);
  });
});

describe("links", () => {
  it("resolves relative links against xml:base, nested", () => {
    const body =
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/blog/"><entry xml:base="2024/"><link href="post.html"/></entry></feed>';
    expect(first(body).url).toBe("https://a.example/blog/2024/post.html");
  });

  it("then against the feed's own link, then the fetch URL", () => {
    expect(first(rss("<item><link>/a</link></item>")).url).toBe("https://blog.example/a");
    expect(first(rss("<item><link>/a</link></item>", "<title>x</title>")).url).toBe(
      "https://feeds.example.org/a",
    );
  });

  it("resolves a relative feed link against the fetch URL", () => {
    expect(parse(rss("", "<link>/home</link>")).link).toBe("https://feeds.example.org/home");
  });

  it("uses a permalink guid when there is no <link>, but not an isPermaLink=false one", () => {
    expect(first(rss("<item><guid>https://g.example/1</guid></item>")).url).toBe("https://g.example/1");
    expect(first(rss('<item><guid isPermaLink="false">https://g.example/1</guid></item>')).url).toBeNull();
  });

  it("prefers <link> over a guid, and Atom rel=alternate over other rels", () => {
    expect(
      first(rss("<item><link>https://l.example/</link><guid>https://g.example/</guid></item>")).url,
    ).toBe("https://l.example/");
    const body = atom(
      '<entry><link rel="self" href="https://a.example/self"/><link rel="alternate" type="text/html" href="https://a.example/post"/></entry>',
    );
    expect(first(body).url).toBe("https://a.example/post");
  });

  it("keeps entries without a usable link, with url null", () => {
    const feed = parse(
      rss(
        "<item><title>no link</title></item><item><link>javascript:alert(1)</link></item><item><link>https://ok.example/</link></item>",
      ),
    );
    expect(feed.entries.map((e) => e.url)).toEqual([null, null, "https://ok.example/"]);
  });

  it("reads an Atom-style href on an RSS <link>, and prefers HTML alternates", () => {
    expect(first(rss('<item><link href="https://h.example/1"/></item>')).url).toBe("https://h.example/1");
    const body = atom(
      '<entry><link rel="alternate" type="application/json" href="https://a.example/1.json"/><link rel="alternate" type="text/html" href="https://a.example/1"/></entry>',
    );
    expect(first(body).url).toBe("https://a.example/1");
  });

  it("keeps query strings with raw ampersands", () => {
    expect(first(rss("<item><link>http://link/get?a=1&b=2</link></item>")).url).toBe(
      "http://link/get?a=1&b=2",
    );
  });
});

describe("ids and hashes", () => {
  it("keeps ids as given", () => {
    expect(first(rss("<item><guid isPermaLink='false'> abc </guid></item>")).id).toBe("abc");
    expect(first(atom("<entry><id>HTTP://www.Example.org/%7Ebob</id></entry>")).id).toBe(
      "HTTP://www.Example.org/%7Ebob",
    );
    const rdf =
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item rdf:about="https://r.example/1"/></rdf:RDF>';
    expect(first(rdf).id).toBe("https://r.example/1");
  });
});

describe("dates", () => {
  it("parses pubDate, dc:date, Atom published/updated into ISO UTC", () => {
    const e = first(rss("<item><pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate></item>"));
    expect([e.publishedAt, e.updatedAt]).toEqual(["2004-01-01T19:48:21.000Z", null]);
    const a = first(
      atom(
        "<entry><published>2003-12-31T10:14:55-08:00</published><updated>2004-01-01T00:00:00Z</updated></entry>",
      ),
    );
    expect([a.publishedAt, a.updatedAt]).toEqual(["2003-12-31T18:14:55.000Z", "2004-01-01T00:00:00.000Z"]);
  });

  it("falls back to the updated date for publishedAt", () => {
    expect(first(atom("<entry><updated>2004-01-01T00:00:00Z</updated></entry>")).publishedAt).toBe(
      "2004-01-01T00:00:00.000Z",
    );
  });

  it("a bad date loses the date, not the feed", () => {
    const feed = parse(
      rss(
        "<item><title>a</title><pubDate>the day after tomorrow</pubDate></item><item><title>b</title></item>",
      ),
    );
    expect(feed.entries.map((e) => [e.title, e.publishedAt])).toEqual([
      ["a", null],
      ["b", null],
    ]);
  });
});

describe("summaries, authors, pictures", () => {
  it("gives the summary's plain text, without scripts", () => {
    const e = first(
      rss(
        '<item><link>https://blog.example/p/1</link><description>&lt;p onclick="x()"&gt;Read &lt;a href="more"&gt;more&lt;/a&gt;&lt;script&gt;evil()&lt;/script&gt;&lt;/p&gt;</description></item>',
      ),
    );
    expect(e.summaryText).toBe("Read more");
  });

  it("uses content:encoded when there is no description, and reads Atom text summaries as text", () => {
    const ns = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"';
    expect(
      first(rss(`<item ${ns}><content:encoded><![CDATA[<p>Full</p>]]></content:encoded></item>`)).summaryText,
    ).toBe("Full");
    expect(first(atom('<entry><summary type="text">a < b</summary></entry>')).summaryText).toBe("a < b");
  });

  it("reads authors from author, dc:creator, Atom author/name and JSON authors", () => {
    expect(first(rss("<item><author>jane@example.com (Jane Doe)</author></item>")).author).toBe("Jane Doe");
    expect(
      first(rss('<item><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">Bob</dc:creator></item>'))
        .author,
    ).toBe("Bob");
    expect(first(atom("<entry><author><name>Ann</name></author></entry>")).author).toBe("Ann");
  });

  it.each([
    [
      "media:thumbnail",
      '<item xmlns:media="http://search.yahoo.com/mrss/"><media:thumbnail url="/t.jpg"/></item>',
      "https://blog.example/t.jpg",
    ],
    [
      "media:content image in a group",
      '<item xmlns:media="http://search.yahoo.com/mrss/"><media:group><media:content url="https://m/v.mp4" type="video/mp4"/><media:content url="https://m/i.png" medium="image"/></media:group></item>',
      "https://m/i.png",
    ],
    [
      "enclosure image",
      '<item><enclosure url="https://e/i.jpg" type="image/jpeg" length="1"/></item>',
      "https://e/i.jpg",
    ],
    [
      "itunes:image",
      '<item xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><itunes:image href="https://i/c.png"/></item>',
      "https://i/c.png",
    ],
    [
      "first <img> in content",
      '<item><description>&lt;img src="/pic.png"&gt;</description></item>',
      "https://blog.example/pic.png",
    ],
    ["none", "<item><description>text</description></item>", null],
  ])("picture from %s", (_name, item, expected) => {
    expect(first(rss(item)).imageUrl).toBe(expected);
  });
});

describe("JSON Feed", () => {
  const doc = {
    version: "https://jsonfeed.org/version/1",
    title: "Daring &amp; Fireball",
    home_page_url: "https://df.example/",
    items: [
      {
        id: 42,
        url: "/linked/1",
        title: "Post",
        content_html: "<p>Hi <img src='/a.png'></p>",
        date_published: "2020-01-24T18:46:57-05:00",
        author: { name: "John" },
        tags: ["x", 3, "y"],
      },
      {
        id: "2",
        external_url: "https://elsewhere.example/",
        content_text: "plain < text",
        image: "https://i/2.png",
      },
      { title: { not: "a string" }, url: 17 },
    ],
  };
  it("reads items, checking each field's type", () => {
    const feed = parse(JSON.stringify(doc));
    expect(feed.title).toBe("Daring & Fireball");
    expect(feed.entries).toHaveLength(3);
    expect(feed.entries[0]).toMatchObject({
      id: "42",
      url: "https://df.example/linked/1",
      title: "Post",
      summaryText: "Hi",
      publishedAt: "2020-01-24T23:46:57.000Z",
      author: "John",
      imageUrl: "https://df.example/a.png",
    });
    expect(feed.entries[1]).toMatchObject({
      url: "https://elsewhere.example/",
      summaryText: "plain < text",
      imageUrl: "https://i/2.png",
    });
    expect(feed.entries[2]).toMatchObject({ id: null, url: null, title: "" });
  });
});
