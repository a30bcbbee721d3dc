/** The archive page and the RSS feed, parsed back (rss-parser for the feed). */
import { DomUtils, parseDocument } from "htmlparser2";
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { archivePage, type FeedEntry, notFoundPage, rssFeed } from "./archive.js";
import { PAGE_CSS, PAGE_FONT } from "./page.js";
import { prepareIssue } from "./prepare.js";
import { issue72, OPTIONS } from "./testing.js";

const site = { publicBaseUrl: OPTIONS.publicBaseUrl, newsletterName: OPTIONS.newsletterName };
const utm = (n: number) => ({ source: "weekly-kaggle-news", medium: "rss", campaign: `issue-${n}` });

function entries(): FeedEntry[] {
  return [
    { n: 72, sentAt: "2021-05-02T09:00:00.000Z", title: "Weekly Kaggle News #72" },
    // a control character (invalid in XML) and markup in a title
    { n: 71, sentAt: "2021-04-25T09:00:00.000Z", title: "Issue\u0007 #71 <b>&</b>" },
    { n: 70, sentAt: "2021-04-18T09:00:00.000Z", title: "Weekly Kaggle News #70" },
  ].map(({ n, sentAt, title }) => ({
    number: n,
    title,
    sentAt,
    url: `${OPTIONS.publicBaseUrl}/issues/${n}`,
    content: prepareIssue(issue72({ number: n, title }), utm(n), OPTIONS),
  }));
}

describe("rssFeed", () => {
  it("is RSS 2.0 that a feed reader parses: channel fields, items newest first with permalinks", async () => {
    const xml = rssFeed(entries(), site);
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe("Weekly Kaggle News");
    expect(feed.link).toBe("https://news.example.org/issues");
    expect(feed.description).toBeTruthy();
    expect(feed.feedUrl).toBe("https://news.example.org/feed.xml");
    expect(feed.lastBuildDate).toBe("Sun, 02 May 2021 09:00:00 GMT");
    expect(feed.items.map((i) => i.link)).toEqual([
      "https://news.example.org/issues/72",
      "https://news.example.org/issues/71",
      "https://news.example.org/issues/70",
    ]);
    expect(feed.items.map((i) => i.guid)).toEqual(feed.items.map((i) => i.link));
    expect(feed.items.map((i) => i.title)).toEqual([
      "Weekly Kaggle News #72",
      "Issue #71 <b>&</b>",
      "Weekly Kaggle News #70",
    ]);
    expect(feed.items[0]?.pubDate).toBe("Sun, 02 May 2021 09:00:00 GMT");
    expect(new Date(feed.items[2]!.pubDate!).toISOString()).toBe("2021-04-18T09:00:00.000Z");

    // the description is the issue's links (tagged for the feed), as escaped HTML
    const desc = parseDocument(feed.items[0]!.content!);
    const hrefs = DomUtils.findAll((el) => el.name === "a", desc.children).map((a) => a.attribs.href!);
    expect(hrefs[0]).toContain("utm_medium=rss");
    expect(hrefs).toContain(
      "https://speakerdeck.com/yusuketakagi/transformerhahe-woyatuteirufalseka?utm_source=weekly-kaggle-news&utm_medium=rss&utm_campaign=issue-72",
    );
    expect(DomUtils.findAll((el) => el.name === "script", desc.children)).toHaveLength(0);
  });

  it("states isPermaLink and the atom self link as the spec wants them", () => {
    const xml = rssFeed(entries(), site);
    const doc = parseDocument(xml, { xmlMode: true });
    const guids = DomUtils.getElementsByTagName("guid", doc.children);
    expect(guids.map((g) => g.attribs.isPermaLink)).toEqual(["true", "true", "true"]);
    const self = DomUtils.getElementsByTagName("atom:link", doc.children)[0]!;
    expect(self.attribs).toEqual({
      href: "https://news.example.org/feed.xml",
      rel: "self",
      type: "application/rss+xml",
    });
    expect(xml).not.toContain("\u0007");
  });

  it("is valid with no issues yet", async () => {
    const feed = await new Parser().parseString(rssFeed([], site));
    expect(feed.items).toEqual([]);
    expect(feed.title).toBe("Weekly Kaggle News");
  });
});

describe("archivePage", () => {
  it("lists the issues in the given order with their links and dates", () => {
    const doc = parseDocument(archivePage(entries(), site));
    const items = DomUtils.findAll((el) => el.attribs.class === "issue", doc.children);
    expect(items.map((li) => DomUtils.findOne((a) => a.name === "a", li.children)?.attribs.href)).toEqual([
      "https://news.example.org/issues/72",
      "https://news.example.org/issues/71",
      "https://news.example.org/issues/70",
    ]);
    expect(DomUtils.textContent(items[1]!)).toContain("Issue\u0007 #71 <b>&</b>2021-04-25");
    expect(DomUtils.findAll((el) => el.name === "b", doc.children)).toHaveLength(0);
  });

  it("has a 404 page linking back to the archive", () => {
    const doc = parseDocument(notFoundPage(site));
    expect(DomUtils.findOne((el) => el.name === "a", doc.children)?.attribs.href).toBe(
      "https://news.example.org/issues",
    );
  });
});

describe("the archive pages' language, stylesheet and subscribe form", () => {
  const find = (html: string, name: string) =>
    DomUtils.findAll((el) => el.name === name, parseDocument(html).children);

  it("are English by default and Japanese with lang ja, with the same structure", () => {
    for (const [lang, heading, button, empty] of [
      ["en", "Get Weekly Kaggle News by email", "Subscribe", "No issue has been sent yet."],
      ["ja", "「Weekly Kaggle News」をメールで受け取る", "購読する", "まだ配信された号はありません。"],
    ] as const) {
      for (const html of [archivePage([], { ...site, lang }), notFoundPage({ ...site, lang })]) {
        expect(find(html, "html")[0]?.attribs.lang, lang).toBe(lang);
        expect(
          find(html, "h2").map((h) => DomUtils.textContent(h)),
          lang,
        ).toEqual([heading]);
        const [form] = find(html, "form");
        expect(form?.attribs, lang).toMatchObject({ method: "post", action: "/subscribe" });
        expect(find(html, "input")[0]?.attribs, lang).toMatchObject({
          id: "email",
          name: "email",
          type: "email",
          autocomplete: "email",
          required: "",
        });
        expect(find(html, "label")[0]?.attribs.for).toBe("email");
        expect(DomUtils.textContent(find(html, "button")[0]!), lang).toBe(button);
      }
      expect(archivePage([], { ...site, lang }), lang).toContain(empty);
    }
    expect(DomUtils.textContent(find(notFoundPage({ ...site, lang: "ja" }), "h1")[0]!)).toBe(
      "ページが見つかりません",
    );
  });

  it("carry one <style> block, the shared stylesheet with the Japanese fonts, no script and a viewport", () => {
    for (const html of [archivePage(entries(), site), notFoundPage(site)]) {
      expect(find(html, "style").map((s) => DomUtils.textContent(s))).toEqual([PAGE_CSS]);
      expect(find(html, "script")).toEqual([]);
      expect(DomUtils.findAll((el) => "style" in el.attribs, parseDocument(html).children)).toEqual([]);
      expect(find(html, "meta").find((m) => m.attribs.name === "viewport")?.attribs.content).toBe(
        "width=device-width, initial-scale=1",
      );
    }
    expect(PAGE_CSS).toContain(PAGE_FONT);
    for (const font of ['"Hiragino Sans"', '"Yu Gothic"', "Meiryo", '"Noto Sans CJK JP"']) {
      expect(PAGE_FONT).toContain(font);
    }
  });

  it("gives the feed its language", async () => {
    const feed = await new Parser({ customFields: { feed: ["language"] } }).parseString(
      rssFeed(entries(), { ...site, lang: "ja" }),
    );
    expect(feed.language).toBe("ja");
    expect(feed.description).toBe("「Weekly Kaggle News」の全号");
  });
});
