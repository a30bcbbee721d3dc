/**
 * Readers' clients load pictures only from us: every image in the mail (HTML part), the web
 * version, the archive feed is our hosted thumbnail, never a publisher's URL (a privacy leak and a
 * picture that changes or vanishes).
 */
import { DomUtils, parseDocument } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { rssFeed } from "./archive.js";
import { renderIssue, renderWebVersion, utmFor } from "./index.js";
import { prepareIssue } from "./prepare.js";
import { CARDS, issue72, mediaKey, OPTIONS } from "./testing.js";

const PUBLISHER_HOSTS = CARDS.flatMap((c) =>
  c.imageUrl?.startsWith("http") ? [new URL(c.imageUrl).host] : [],
);
const MEDIA = `${OPTIONS.publicBaseUrl}/media/`;

const imagesOf = (html: string): string[] =>
  DomUtils.getElementsByTagName("img", parseDocument(html)).map((img) => img.attribs.src ?? "");

function everyRendering(): { html: string; text: string; web: string; feed: string } {
  const input = issue72();
  const mail = renderIssue(input, OPTIONS);
  const feed = rssFeed(
    [
      {
        number: 72,
        title: input.title,
        sentAt: "2021-05-02T09:00:00.000Z",
        url: `${OPTIONS.publicBaseUrl}/issues/72`,
        content: prepareIssue(input, utmFor(OPTIONS, "rss", 72), OPTIONS),
      },
    ],
    OPTIONS,
  );
  return {
    html: mail.html("https://news.example.org/unsubscribe?t=x"),
    text: mail.text("https://news.example.org/unsubscribe?t=x"),
    web: renderWebVersion(input, OPTIONS),
    feed,
  };
}

describe("pictures in what readers get", () => {
  it("the fixture's cards do carry publisher pictures (so the test can fail)", () => {
    expect(PUBLISHER_HOSTS.length).toBeGreaterThanOrEqual(3);
  });

  it("are only our hosted thumbnails: no publisher's image URL in mail, web version or feed", () => {
    for (const [name, out] of Object.entries(everyRendering())) {
      for (const host of PUBLISHER_HOSTS) expect(out, `${name} mentions ${host}`).not.toContain(host);
    }
    const { html, web } = everyRendering();
    const mailImages = imagesOf(html);
    expect(mailImages).toEqual(["transformer", "autonlp", "accelerate"].map((id) => MEDIA + mediaKey(id)));
    for (const src of imagesOf(web)) expect(src.startsWith(MEDIA)).toBe(true);
  });

  it("a card without a hosted thumbnail lays out without a picture (and its publisher URL is not used)", () => {
    const cards = new Map(
      [...issue72().cards].map(([id, c]) => [id, id === "autonlp" ? { ...c, thumbnail: null } : c]),
    );
    const doc = parseDocument(renderIssue(issue72({ cards }), OPTIONS).html("https://x.example/u"));
    const card = DomUtils.findOne((e) => e.attribs["data-item"] === "autonlp", doc.children)!;
    expect(DomUtils.getElementsByTagName("img", card)).toHaveLength(0);
    expect(DomUtils.textContent(card)).toContain("AutoNLP");
  });

  it("a thumbnail that is not a media key (a card frozen with something else) is not shown", () => {
    const cards = new Map(
      [...issue72().cards].map(([id, c]) => [id, { ...c, thumbnail: "https://evil.example/x.jpg" }]),
    );
    expect(imagesOf(renderIssue(issue72({ cards }), OPTIONS).html("https://x.example/u"))).toEqual([]);
  });
});
