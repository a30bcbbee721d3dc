import { describe, expect, it } from "vitest";
import { extractMetadata, toPlainText } from "./metadata.js";

const page = (head: string, body = "<p>text</p>") =>
  `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;

describe("extractMetadata", () => {
  it("reads Open Graph tags", () => {
    const m = extractMetadata(
      page(`<title>Doc title</title>
        <meta property="og:title" content="OG title">
        <meta property="og:description" content="OG description">
        <meta property="og:image" content="https://cdn.example.com/a.png">
        <meta property="og:image" content="https://cdn.example.com/second.png">
        <meta property="og:site_name" content="Example Blog">`),
      "https://example.com/post",
    );
    expect(m).toEqual({
      title: "OG title",
      description: "OG description",
      imageUrl: "https://cdn.example.com/a.png",
      siteName: "Example Blog",
    });
  });

  it("prefers og:image:secure_url and falls back to twitter:* tags", () => {
    const m = extractMetadata(
      page(`<meta property="og:image" content="http://example.com/i.png">
        <meta property="og:image:secure_url" content="https://example.com/i.png">
        <meta name="twitter:title" content="Tw title"><meta name="twitter:description" content="Tw description">`),
      "https://example.com/",
    );
    expect(m).toMatchObject({
      title: "Tw title",
      description: "Tw description",
      imageUrl: "https://example.com/i.png",
    });
    expect(
      extractMetadata(page(`<meta name="twitter:image" content="/t.jpg">`), "https://example.com/x/")
        .imageUrl,
    ).toBe("https://example.com/t.jpg");
  });

  it("falls back to <title> and meta description, decoding entities and collapsing whitespace", () => {
    const m = extractMetadata(
      page(`<title>
          Q&amp;A:   ranking   &#x2014; part 2
        </title><meta name="Description" content="  Line one
          line&nbsp;two &quot;quoted&quot; ">`),
      "https://example.com/",
    );
    expect(m).toEqual({
      title: "Q&A: ranking — part 2",
      description: 'Line one line two "quoted"',
      imageUrl: null,
      siteName: null,
    });
  });

  it("ignores a <title> inside inline SVG", () => {
    expect(
      extractMetadata(
        `<html><body><svg><title>icon</title></svg><title>Real</title></body></html>`,
        "https://e.com/",
      ).title,
    ).toBe("Real");
  });

  it("resolves relative image URLs against the final page URL, and <base href>", () => {
    expect(
      extractMetadata(
        page(`<meta property="og:image" content="img/cover.png">`),
        "https://example.com/blog/post",
      ).imageUrl,
    ).toBe("https://example.com/blog/img/cover.png");
    expect(
      extractMetadata(
        page(`<meta property="og:image" content="//cdn.example.net/c.png">`),
        "https://example.com/",
      ).imageUrl,
    ).toBe("https://cdn.example.net/c.png");
    expect(
      extractMetadata(
        page(`<base href="https://static.example.com/assets/"><meta property="og:image" content="c.png">`),
        "https://example.com/p",
      ).imageUrl,
    ).toBe("https://static.example.com/assets/c.png");
  });

  it("keeps only text from hostile values and only http(s) images", () => {
    const m = extractMetadata(
      page(`<meta property="og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;Safe &lt;b&gt;title&lt;/b&gt;">
        <meta property="og:description" content="<img src=x onerror=alert(1)>desc">
        <meta property="og:image" content="javascript:alert(1)">
        <meta property="og:image:secure_url" content="data:image/png;base64,AAAA">
        <meta name="twitter:image" content="https://example.com/ok.png">`),
      "https://example.com/",
    );
    expect(m.title).toBe("Safe title");
    expect(m.description).toBe("desc");
    expect(m.imageUrl).toBe("https://example.com/ok.png");
    expect(
      extractMetadata(page(`<meta property="og:image" content="javascript:alert(1)">`), "https://e.com/")
        .imageUrl,
    ).toBeNull();
  });

  it("cuts long descriptions on grapheme boundaries with an ellipsis", () => {
    const long = "深層学習モデルの推論を高速化する手法について解説します。".repeat(30);
    const m = extractMetadata(page(`<meta property="og:description" content="${long}">`), "https://e.com/");
    expect(m.description!.endsWith("…")).toBe(true);
    expect(
      [...new Intl.Segmenter("ja", { granularity: "grapheme" }).segment(m.description!)].length,
    ).toBeLessThanOrEqual(300);
    expect(long.startsWith(m.description!.slice(0, -1))).toBe(true);
  });

  it("finds metadata that strays into <body>, and returns nulls for a page with none", () => {
    expect(
      extractMetadata(`<html><body><meta property="og:title" content="Late"></body></html>`, "https://e.com/")
        .title,
    ).toBe("Late");
    expect(extractMetadata("not html at all", "https://e.com/")).toEqual({
      title: null,
      description: null,
      imageUrl: null,
      siteName: null,
    });
  });
});

describe("toPlainText", () => {
  it("drops markup and script content", () => {
    expect(toPlainText("Hello <b>World</b>!<script>evil()</script>")).toBe("Hello World!");
    expect(toPlainText("AT&T   &amp; co")).toBe("AT&T & co");
  });
});
