/**
 * The rendered issue, parsed back: structure of the mail (cards, sections, footer), links,
 * escaping of hostile feed content, the golden text part and the web version.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Document, Element } from "domhandler";
import { DomUtils, parseDocument } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { renderIssue, renderOptions, renderWebVersion } from "./index.js";
import { PAGE_CSS } from "./page.js";
import { HOSTILE_TITLE, issue72, mediaKey, OPTIONS } from "./testing.js";

const UNSUB = "https://news.example.org/unsubscribe?token=abc.DEF&x=1";

const parse = (html: string) => parseDocument(html);
const byClass = (root: Document | Element, cls: string): Element[] =>
  DomUtils.findAll((el) => (el.attribs.class ?? "").split(/\s+/).includes(cls), [root]);
const one = (root: Document | Element, cls: string): Element => {
  const found = byClass(root, cls);
  expect(found, cls).toHaveLength(1);
  return found[0]!;
};
const text = (el: Element | undefined) => (el ? DomUtils.textContent(el).replace(/\s+/g, " ").trim() : "");
const elements = (root: Document) => DomUtils.findAll(() => true, [root]);
const links = (root: Document | Element) => DomUtils.findAll((el) => el.name === "a", [root]);

const mail = () => renderIssue(issue72(), OPTIONS);

describe("email HTML", () => {
  it("is a fluid table layout at most 600 px wide, with a hidden preheader", () => {
    const html = mail().html(UNSUB);
    const doc = parse(html);
    const container = one(doc, "container");
    expect(container.name).toBe("table");
    expect(container.attribs.width).toBe("100%");
    expect(container.attribs.style).toContain("width:100%;max-width:600px");
    // Outlook for Windows ignores max-width: a conditional 600 px table holds it
    expect(html).toMatch(/<!--\[if mso\]><table [^>]*width="600"/);
    const pre = one(doc, "preheader");
    expect(pre.attribs.style).toContain("display:none");
    expect(text(pre)).toContain("今週は Transformer の解説資料など");
    expect(DomUtils.findOne((el) => el.name === "title", doc.children)?.children).toBeTruthy();
  });

  it("narrows for phones: a max-width 480px media query, one image per card, long words break", () => {
    const html = mail().html(UNSUB);
    const doc = parse(html);
    const style = DomUtils.findAll((el) => el.name === "style", doc.children).map((el) =>
      DomUtils.textContent(el),
    );
    expect(style.join("")).toContain("@media (max-width: 480px)");
    expect(style.join("")).toContain("div.card-text");
    for (const card of byClass(doc, "card")) {
      const images = DomUtils.findAll((el) => el.name === "img", [card]);
      expect(images.length).toBeLessThanOrEqual(1);
      expect(byClass(card, "card-text")).toHaveLength(1);
    }
    // 3 cards with an http(s) image (no image on the competition; the hostile one's javascript: dropped)
    expect(byClass(doc, "card-image")).toHaveLength(3);
    const long = `https://example.com/${"a".repeat(200)}`;
    const r = renderIssue(issue72({ intro: long }), OPTIONS);
    const d = parse(r.html(UNSUB));
    for (const cls of ["card-description", "card-title"]) {
      expect(byClass(d, cls)[0]!.attribs.style).toContain("overflow-wrap:anywhere");
      expect(byClass(d, cls)[0]!.attribs.style).toContain("word-break:break-word");
    }
    const p = DomUtils.findOne((el) => el.name === "p", one(d, "intro").children)!;
    expect(p.attribs.style).toContain("overflow-wrap:anywhere");
  });

  it("has the web version link under the title", () => {
    const doc = parse(mail().html(UNSUB));
    const top = one(doc, "under-title");
    expect(one(top, "web-version-top").attribs.href).toBe("https://news.example.org/issues/72");
  });

  it("shows the title, the intro and the sections in order with their bodies", () => {
    const doc = parse(mail().html(UNSUB));
    expect(text(one(doc, "issue-title"))).toBe("Weekly Kaggle News #72");
    expect(text(one(doc, "intro"))).toContain("今週は Transformer の解説資料など");
    expect(byClass(doc, "section-heading").map(text)).toEqual(["News", "Competitions", "Caution"]);
    const bodies = byClass(doc, "section-body");
    expect(bodies.map(text)).toEqual([
      "「scikit-learn」に StratifiedGroupKFold が実装されました。",
      "新しいコンペが始まりました。",
    ]);
    expect(links(bodies[0]!)[0]?.attribs.href).toBe(
      "https://github.com/scikit-learn/scikit-learn?utm_source=weekly-kaggle-news&utm_medium=email&utm_campaign=issue-72",
    );
  });

  it("renders each card in order: linked title, — domain, thumbnail on the right, description, comment", () => {
    const doc = parse(mail().html(UNSUB));
    const cards = byClass(doc, "card");
    // the unknown id and the javascript: item are left out
    expect(cards.map((c) => c.attribs["data-item"])).toEqual([
      "transformer",
      "autonlp",
      "accelerate",
      "addi",
      "hostile",
    ]);

    const first = cards[0]!;
    const title = one(first, "card-title");
    expect(title.name).toBe("a");
    expect(text(title)).toBe("Transformerは何をやっているのか - Speaker Deck");
    expect(title.attribs.href).toBe(
      "https://speakerdeck.com/yusuketakagi/transformerhahe-woyatuteirufalseka?utm_source=weekly-kaggle-news&utm_medium=email&utm_campaign=issue-72",
    );
    expect(text(one(first, "card-domain"))).toBe("— speakerdeck.com");
    const img = one(first, "card-image");
    expect(img.attribs).toMatchObject({
      src: `https://news.example.org/media/${mediaKey("transformer")}`,
      width: "140",
      height: "140",
      alt: "Transformerは何をやっているのか - Speaker Deck",
    });
    // fluid hybrid: the thumbnail, then the text, as inline-block columns
    const columns = first.children.filter((n): n is Element => (n as Element).name === "div");
    expect(columns.map((c) => c.attribs.class)).toEqual(["card-thumb", "card-text", "card-comment"]);
    expect(columns[0]!.attribs.style).toContain("display:inline-block");
    expect(columns[1]!.attribs.style).toContain("display:inline-block");
    expect(columns[1]!.attribs.style).toContain("max-width:356px");
    expect(text(one(first, "card-description"))).toBe(
      "Transformerが結局のところ何をやっているのかを図メインで説明しています。",
    );
    expect(text(one(first, "card-comment"))).toBe(
      "自然言語処理領域を中心に成果が報告されている「Transformer」の解説資料。",
    );

    // the comment's markdown: a link and bold
    const comment = one(cards[1]!, "card-comment");
    expect(DomUtils.findOne((el) => el.name === "strong", comment.children)).toBeTruthy();
    expect(links(comment).map((a) => a.attribs.href)).toEqual([
      "https://twitter.com/abhi1thakur/status/1384875565761679360?s=20&utm_source=weekly-kaggle-news&utm_medium=email&utm_campaign=issue-72",
    ]);

    // kind facts
    // the release's title already shows its tag: no facts line repeating it
    expect(text(one(cards[2]!, "card-title"))).toContain("v0.3.0");
    expect(byClass(cards[2]!, "card-facts")).toHaveLength(0);
    expect(text(one(cards[3]!, "card-facts"))).toBe("Featured · deadline 2021-06-30 · prize $100,000");
    // no image: no thumbnail cell
    expect(byClass(cards[3]!, "card-thumb")).toHaveLength(0);
  });

  it("tags every content link once, keeping other parameters and the fragment", () => {
    const doc = parse(mail().html(UNSUB));
    const footer = one(doc, "footer");
    const top = one(doc, "under-title");
    const content = links(doc).filter((a) => !DomUtils.findAll(() => true, [footer, top]).includes(a));
    expect(content.length).toBeGreaterThan(8);
    for (const a of content) {
      const u = new URL(a.attribs.href!);
      expect(u.searchParams.getAll("utm_source"), a.attribs.href).toEqual(["weekly-kaggle-news"]);
      expect(u.searchParams.getAll("utm_medium"), a.attribs.href).toEqual(["email"]);
      expect(u.searchParams.getAll("utm_campaign"), a.attribs.href).toEqual(["issue-72"]);
    }
    const autonlp = one(byClass(doc, "card")[1]!, "card-title").attribs.href;
    expect(autonlp).toBe(
      "https://www.ai-shift.co.jp/techblog/1880?lang=ja&utm_source=weekly-kaggle-news&utm_medium=email&utm_campaign=issue-72#results",
    );
    expect(autonlp).not.toContain("fbclid");
    expect(autonlp).not.toContain("twitter");
  });

  it("escapes hostile feed text and drops script, handlers and non-http(s) URLs", () => {
    const html = mail().html(UNSUB);
    const doc = parse(html);
    const hostile = byClass(doc, "card").find((c) => c.attribs["data-item"] === "hostile")!;
    expect(text(one(hostile, "card-title"))).toBe(HOSTILE_TITLE);
    expect(text(one(hostile, "card-description"))).toBe('"><script>alert(document.cookie)</script>');
    expect(byClass(hostile, "card-image")).toHaveLength(0); // javascript: image
    expect(text(one(hostile, "card-comment"))).toContain("[click](javascript:alert(1))");

    for (const el of elements(doc)) {
      expect(["script", "iframe", "object", "embed", "form", "b"]).not.toContain(el.name);
      for (const [name, value] of Object.entries(el.attribs)) {
        expect(name.startsWith("on"), `${el.name} ${name}`).toBe(false);
        if (name === "href" || name === "src") expect(value, `${el.name} ${name}`).toMatch(/^https?:\/\//);
      }
      if (el.name === "img") expect(el.attribs.class).toBe("card-image");
    }
    expect(html).not.toMatch(/javascript:alert\(1\)["'>]/);
    expect(html).not.toContain("never shown");
  });

  it("has a footer with the recipient's unsubscribe link and the web version link", () => {
    const r = mail();
    const doc = parse(r.html(UNSUB));
    const footer = one(doc, "footer");
    expect(one(footer, "unsubscribe").attribs.href).toBe(UNSUB);
    expect(one(footer, "web-version").attribs.href).toBe("https://news.example.org/issues/72");
    // per recipient only the unsubscribe URL differs
    const other = r.html("https://news.example.org/unsubscribe?token=other");
    expect(other.replace("token=other", "token=abc.DEF&amp;x=1")).toBe(r.html(UNSUB));
    expect(() => r.html("javascript:alert(1)")).toThrow();
  });

  it("uses the subject, and UTM_SOURCE / UTM_CAMPAIGN from the configuration", () => {
    const opts = renderOptions(
      loadConfig({ NEWSLETTER_NAME: "ML Weekly", UTM_SOURCE: "mlw", UTM_CAMPAIGN: "wk{number}" }),
    );
    const r = renderIssue(issue72({ subject: "ML news\r\nBcc: x@example.com" }), opts);
    expect(r.subject).toBe("ML news Bcc: x@example.com");
    const doc = parse(r.html(UNSUB));
    const href = one(byClass(doc, "card")[0]!, "card-title").attribs.href!;
    expect(new URL(href).search).toBe("?utm_source=mlw&utm_medium=email&utm_campaign=wk72");
    expect(renderOptions(loadConfig({ NEWSLETTER_NAME: "ML Weekly" })).utmSource).toBe("ml-weekly");
    // a Japanese name keeps its letters (percent-encoded in the URL), not just "kaggle"
    const ja = renderOptions(loadConfig({ NEWSLETTER_NAME: "週刊Kaggleニュース" }));
    expect(ja.utmSource).toBe("週刊kaggleニュース");
    const jaHref = one(byClass(parse(renderIssue(issue72(), ja).html(UNSUB)), "card")[0]!, "card-title")
      .attribs.href!;
    expect(new URL(jaHref).searchParams.get("utm_source")).toBe("週刊kaggleニュース");
    expect(jaHref).toContain("utm_source=%E9%80%B1%E5%88%8Akaggle");
    expect(loadConfig({ NEWSLETTER_NAME: "週刊Kaggleニュース" }).newsletterSlug).toBe("kaggle");
  });
});

describe("text part", () => {
  const GOLDEN = new URL("./testdata/issue-72.txt", import.meta.url);

  it("matches the committed golden file", () => {
    const actual = mail().text(UNSUB);
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, actual);
    expect(actual).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("carries bare tagged URLs and no markup", () => {
    const t = mail().text(UNSUB);
    expect(t).toContain(
      "https://www.ai-shift.co.jp/techblog/1880?lang=ja&utm_source=weekly-kaggle-news&utm_medium=email&utm_campaign=issue-72#results",
    );
    expect(t).toContain(`Unsubscribe: ${UNSUB}`);
    expect(t).not.toContain("never shown");
    expect(t).not.toMatch(/<(p|a|strong|br)\b/);
  });
});

describe("web version", () => {
  const page = () => parse(renderWebVersion(issue72(), OPTIONS));
  const meta = (doc: Document, key: string) =>
    DomUtils.findOne(
      (el) => el.name === "meta" && (el.attribs.property === key || el.attribs.name === key),
      doc.children,
    )?.attribs.content;

  it("has its own Open Graph and Twitter tags", () => {
    const doc = page();
    expect(meta(doc, "og:title")).toBe("Weekly Kaggle News #72");
    expect(meta(doc, "og:description")).toBe(
      "今週は Transformer の解説資料など。過去の号は https://news.example.org/issues から。",
    );
    expect(meta(doc, "og:url")).toBe("https://news.example.org/issues/72");
    expect(meta(doc, "og:image")).toBe(`https://news.example.org/media/${mediaKey("transformer")}`);
    expect(meta(doc, "twitter:card")).toBe("summary"); // square thumbnails
  });

  it("shows the same cards, tagged utm_medium=web, without an unsubscribe link", () => {
    const html = renderWebVersion(issue72(), OPTIONS);
    const doc = parse(html);
    expect(byClass(doc, "card").map((c) => c.attribs["data-item"])).toEqual([
      "transformer",
      "autonlp",
      "accelerate",
      "addi",
      "hostile",
    ]);
    expect(html).not.toContain("utm_medium=email");
    expect(
      new URL(one(byClass(doc, "card")[0]!, "card-title").attribs.href!).searchParams.get("utm_medium"),
    ).toBe("web");
    expect(byClass(doc, "unsubscribe")).toHaveLength(0);
    expect(one(doc, "archive").attribs.href).toBe("https://news.example.org/issues");
  });

  it("falls back to the card titles for the description and to a summary card without images", () => {
    const noImages = new Map([...issue72().cards].map(([id, c]) => [id, { ...c, thumbnail: null }]));
    const doc = parse(renderWebVersion(issue72({ intro: "", cards: noImages }), OPTIONS));
    expect(meta(doc, "og:description")).toMatch(/^Transformerは何をやっているのか - Speaker Deck · AutoNLP/);
    expect(meta(doc, "og:image")).toBeUndefined();
    expect(meta(doc, "twitter:card")).toBe("summary");
  });
});

describe("in the newsletter's language", () => {
  const JA = { ...OPTIONS, lang: "ja" as const };
  const root = (doc: Document) => DomUtils.findOne((el) => el.name === "html", doc.children)!;

  it("the mail's footer, facts and lang are Japanese with NEWSLETTER_LANG=ja, English by default", () => {
    expect(renderOptions(loadConfig({ NEWSLETTER_LANG: "ja" })).lang).toBe("ja");
    expect(renderOptions(loadConfig({})).lang).toBe("en");

    const en = parse(mail().html(UNSUB));
    expect(root(en).attribs.lang).toBe("en");
    expect(text(one(en, "footer"))).toBe(
      "You receive Weekly Kaggle News because you subscribed to it.View this issue in your browser · Unsubscribe · Past issuesWas this forwarded to you? Subscribe",
    );

    const r = renderIssue(issue72(), JA);
    const doc = parse(r.html(UNSUB));
    expect(root(doc).attribs.lang).toBe("ja");
    const footer = one(doc, "footer");
    expect(text(footer)).toBe(
      "このメールは「Weekly Kaggle News」を購読されている方にお送りしています。ブラウザで表示する · 購読を解除する · バックナンバー転送されたメールをご覧ですか？ 購読する",
    );
    expect(one(footer, "unsubscribe").attribs.href).toBe(UNSUB);
    expect(text(one(byClass(doc, "card")[3]!, "card-facts"))).toBe(
      "Featured · 締切 2021-06-30 · 賞金 $100,000",
    );

    const t = r.text(UNSUB);
    expect(
      t.endsWith(
        [
          "--",
          "このメールは「Weekly Kaggle News」を購読されている方にお送りしています。",
          "ブラウザで表示する：https://news.example.org/issues/72",
          `購読を解除する：${UNSUB}`,
          "バックナンバー：https://news.example.org/issues",
          "購読する：https://news.example.org/subscribe",
          "",
        ].join("\n"),
      ),
    ).toBe(true);
  });

  it("the web version: lang, the shared stylesheet as its only <style>, the subscribe form, no script", () => {
    for (const [o, lang, button] of [
      [OPTIONS, "en", "Subscribe"],
      [JA, "ja", "購読する"],
    ] as const) {
      const doc = parse(renderWebVersion(issue72(), o));
      expect(root(doc).attribs.lang).toBe(lang);
      const styles = DomUtils.findAll((el) => el.name === "style", doc.children);
      expect(styles.map((el) => DomUtils.textContent(el))).toEqual([PAGE_CSS]);
      expect(DomUtils.findAll((el) => el.name === "script", doc.children)).toEqual([]);
      const form = DomUtils.findOne((el) => el.name === "form", doc.children)!;
      expect(form.attribs).toMatchObject({ method: "post", action: "/subscribe" });
      expect(text(DomUtils.findOne((el) => el.name === "button", [form])!)).toBe(button);
      expect(DomUtils.findOne((el) => el.name === "input", [form])?.attribs).toMatchObject({
        name: "email",
        type: "email",
        autocomplete: "email",
      });
    }
    const ja = parse(renderWebVersion(issue72(), JA));
    expect(text(one(ja, "archive"))).toBe("「Weekly Kaggle News」のバックナンバー");
  });
});
