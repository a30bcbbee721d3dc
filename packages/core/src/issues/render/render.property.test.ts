/**
 * Properties of rendering untrusted text (fast-check): the editor's markdown and an issue whose
 * titles, descriptions, comments and URLs are hostile. Every "<" in the output opens a tag the
 * renderer emits itself, no element carries a handler, every link and picture is http(s), and
 * text with "<" in it comes out as that text (escaped), not as markup.
 */
import type { Element } from "domhandler";
import fc from "fast-check";
import { DomUtils, parseDocument } from "htmlparser2";
import { expect, it } from "vitest";
import { anyUrl, htmlProblems, isHttp, RUNS } from "../../testing/property.js";
import type { IssueCard } from "../card.js";
import { renderIssue, renderWebVersion } from "./index.js";
import { renderBlock, renderComment } from "./markdown.js";
import type { RenderIssueInput } from "./prepare.js";
import { OPTIONS } from "./testing.js";

const MARKDOWN_TAGS = new Set("p br strong em a ul ol li code pre blockquote s hr span".split(" "));
const PAGE_TAGS = new Set([
  ...MARKDOWN_TAGS,
  ..."html head meta title body div table tr td h1 h2 img link style".split(" "),
  // the web version's subscribe form
  ..."section form label input button".split(" "),
]);

const HOSTILE = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "<IMG SRC=JaVaScRiPt:alert(1)>",
  '"><svg onload=alert(1)>',
  "<b onmouseover=alert(1)>b</b>",
  '<a href="javascript:alert(1)">x</a>',
  "[x](javascript:alert(1))",
  "[x](JAVASCRIPT:alert(1))",
  "[x](java\tscript:alert(1))",
  "[x](&#106;avascript:alert(1))",
  "[x](data:text/html,<script>alert(1)</script>)",
  "[x](//evil.example/p)",
  "![i](javascript:alert(1))",
  "[r]: javascript:alert(1)\n",
  "[x][r]",
  "<javascript:alert(1)>",
  "<http://a.example/?q=<b>>",
  'https://ok.example/p?a=<b>&c="d"#<i>',
  "javascript:alert(1)",
  "&lt;script&gt;",
  "&#60;script&#62;",
  "`<code>`",
  "```\n<script>\n```\n",
  "<!-- x -->",
  "<![CDATA[x]]>",
  "<style>*{}</style>",
  "<",
  ">",
  "&",
  '"',
  "'",
  "*",
  "_",
  "~~",
  "\n",
  "\n\n",
  "- ",
  "> ",
  "    ",
  "%%unsubscribe-0%%",
];
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: "binary", maxLength: 6 })), {
    maxLength: 10,
  })
  .map((parts) => parts.join(""));
const utm = fc.option(fc.constant({ source: "s", medium: "email", campaign: "issue-1" }), { nil: null });

const elements = (html: string) => DomUtils.findAll(() => true, parseDocument(html).children);
const textOf = (el: Element | undefined) => (el ? DomUtils.textContent(el) : undefined);
const byClass = (html: string, cls: string) =>
  elements(html).filter((el) => (el.attribs.class ?? "").split(" ").includes(cls));

/** URLs the page points at: links, pictures, and the Open Graph ones. */
function urlsOf(html: string): string[] {
  return elements(html).flatMap((el) => {
    const { href, src, content, property, name } = el.attribs;
    const meta = /^(og:url|og:image|twitter:image)$/.test(property ?? name ?? "") ? [content ?? ""] : [];
    return [href, src, ...meta].filter((u): u is string => u !== undefined);
  });
}

it("markdown: only its own tags, no handler, only http(s) links, whatever the input", () => {
  fc.assert(
    fc.property(hostile, utm, (md, u) => {
      for (const html of [renderBlock(md, u), renderComment(md, u)]) {
        expect(htmlProblems(html, { tags: MARKDOWN_TAGS, schemes: ["http", "https"] })).toEqual([]);
        expect(urlsOf(html).filter((x) => !isHttp(x))).toEqual([]);
        expect(elements(html).flatMap((el) => Object.keys(el.attribs))).not.toContainEqual(
          expect.not.stringMatching(/^(href|style)$/),
        );
      }
    }),
    RUNS,
  );
});

it("markdown: text with < and > in it comes out as that text", () => {
  const plain = fc.stringMatching(/^[a-z][a-z<>/="' ]{0,30}[a-z]$/);
  fc.assert(
    fc.property(plain, (s) => {
      for (const html of [renderBlock(s, null), renderComment(s, null)]) {
        expect(htmlProblems(html, { tags: MARKDOWN_TAGS, schemes: [] })).toEqual([]);
        expect(DomUtils.textContent(parseDocument(html))).toBe(s);
      }
    }),
    RUNS,
  );
});

const card = (id: string): fc.Arbitrary<IssueCard> =>
  fc.record({
    id: fc.constant(id),
    title: hostile,
    url: fc.oneof(fc.constant(`https://ok.example/${id}?a=<b>#x`), anyUrl),
    domain: hostile,
    description: fc.option(hostile, { nil: null }),
    imageUrl: fc.option(fc.oneof(anyUrl, fc.constant("javascript:alert(1)")), { nil: null }),
    comment: fc.option(hostile, { nil: null }),
    kind: fc.constantFrom("article" as const, "release" as const, "competition" as const),
    tag: hostile,
    category: fc.option(hostile, { nil: null }),
    reward: fc.option(hostile, { nil: null }),
  });

const issue: fc.Arbitrary<RenderIssueInput> = fc
  .tuple(
    fc.tuple(card("c0"), card("c1"), card("c2")),
    hostile,
    hostile,
    fc.array(
      fc.record({ heading: hostile, body: hostile, itemIds: fc.subarray(["c0", "c1", "c2", "gone"]) }),
      {
        maxLength: 3,
      },
    ),
  )
  .map(([cards, title, intro, sections]) => ({
    number: 7,
    title,
    subject: title,
    intro,
    sections,
    cards: new Map(cards.map((c) => [c.id, c])),
  }));

it("issue: hostile titles, descriptions, comments and URLs stay text or go; only http(s) links", () => {
  fc.assert(
    fc.property(issue, (input) => {
      const mail = renderIssue(input, OPTIONS).html("https://news.example.org/unsubscribe?token=a<b");
      const web = renderWebVersion(input, OPTIONS);
      for (const html of [mail, web]) {
        // the web version's one data: URL is its own empty icon (page.ts)
        const pageIcon = (x: string) => x === 'href="data:," on <link>' || x === "data:,";
        expect(
          htmlProblems(html, { tags: PAGE_TAGS, schemes: ["http", "https"] }).filter((x) => !pageIcon(x)),
        ).toEqual([]);
        expect(urlsOf(html).filter((u) => !isHttp(u) && !pageIcon(u))).toEqual([]);
        expect(textOf(byClass(html, "issue-title")[0])).toBe(input.title);
        expect(byClass(html, "section-heading").map(textOf)).toEqual(input.sections.map((s) => s.heading));
        const shown = input.sections
          .flatMap((s) => s.itemIds)
          .map((id) => input.cards.get(id))
          .filter((c): c is IssueCard => c !== undefined && isHttp(c.url.trim()));
        expect(byClass(html, "card-title").map(textOf)).toEqual(shown.map((c) => c.title.trim() || c.domain));
        expect(byClass(html, "card-description").map(textOf)).toEqual(
          shown.flatMap((c) => (c.description?.trim() ? [c.description.trim()] : [])),
        );
      }
    }),
    RUNS,
  );
});
