/**
 * The editor's free text (intro, section bodies, item comments) as safe HTML. markdown-it with
 * raw HTML disabled does the formatting; sanitize-html then keeps only a small tag list, only
 * http(s) links (each tagged with UTM), and replaces every attribute by our inline styles, so
 * nothing the editor (or a pasted feed snippet) wrote can carry a script, a handler or a
 * `javascript:` URL into a mail.
 */
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";
import { tagUrl, type Utm } from "./links.js";
import { STYLE } from "./style.js";

const onlyHttp = (url: string) => /^https?:\/\//i.test(url.trim());

function configure(md: InstanceType<typeof MarkdownIt>): InstanceType<typeof MarkdownIt> {
  md.validateLink = onlyHttp;
  // An address in prose stays text: mailto: links are not http(s) and would be dropped anyway.
  md.linkify.set({ fuzzyEmail: false });
  return md;
}

// The two renderers are made on first use: building them (rules, linkify's patterns) costs every
// cold start of a function that has this module milliseconds, and most invocations render nothing.
let block: InstanceType<typeof MarkdownIt> | undefined;
let comment: InstanceType<typeof MarkdownIt> | undefined;

/** Intro and section bodies: paragraphs, lists, quotes, emphasis, code, links. No images, tables or headings. */
const blockMd = () =>
  (block ??= configure(
    new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false }).disable([
      "image",
      "table",
      "heading",
      "lheading",
    ]),
  ));

/** Comments: the small subset (paragraphs, line breaks, emphasis, code spans, links). */
const commentMd = () =>
  (comment ??= configure(
    new MarkdownIt("zero", { html: false, linkify: true, breaks: true }).enable([
      "linkify",
      "newline",
      "escape",
      "backticks",
      "emphasis",
      "link",
      "autolink",
      "entity",
    ]),
  ));

const ALLOWED_TAGS = [
  "p",
  "br",
  "strong",
  "em",
  "a",
  "ul",
  "ol",
  "li",
  "code",
  "pre",
  "blockquote",
  "s",
  "hr",
];

function sanitize(html: string, utm: Utm | null): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ["href", "style"], "*": ["style"] },
    allowedSchemes: ["http", "https"],
    allowedSchemesAppliedToAttributes: ["href"],
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    // Styles are ours (constants below), never parsed from input: every incoming attribute is dropped here.
    parseStyleAttributes: false,
    transformTags: {
      "*": (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
        if (tagName === "a") {
          const href = tagUrl(attribs.href, utm);
          // A link we cannot emit keeps its text and loses the link.
          return href ? { tagName, attribs: { href, style: STYLE.link } } : { tagName: "span", attribs: {} };
        }
        const style = STYLE.prose[tagName as keyof typeof STYLE.prose];
        return { tagName, attribs: style ? { style } : {} };
      },
    },
  }).trim();
}

/** Intro or section body → safe HTML with tagged links ("" for empty input). */
export function renderBlock(markdown: string | null | undefined, utm: Utm | null): string {
  if (!markdown?.trim()) return "";
  return sanitize(blockMd().render(markdown), utm);
}

/** An item comment → safe HTML with tagged links ("" for empty input). */
export function renderComment(markdown: string | null | undefined, utm: Utm | null): string {
  if (!markdown?.trim()) return "";
  return sanitize(commentMd().render(markdown), utm);
}
