/**
 * Page metadata for a link card: og:*, twitter:*, `<title>`, meta description, from HTML that our
 * guarded fetcher already got (this module does no I/O).
 *
 * Why htmlparser2 and not open-graph-scraper (installed, v6): `ogs({ html })` does parse given
 * HTML without a request (its `setOptionsAndReturnOpenGraphResults` returns before `request.js`
 * when `html` is set), but importing it loads undici and cheerio at module scope: measured with
 * esbuild (minified, platform node), a module that imports ogs bundles to 3.3 MB against 52 KB
 * for htmlparser2, and the API and unfurl Lambdas must stay under 1 MiB (DESIGN.md budget). It
 * also builds a full DOM of the page, and its fallbacks guess (first `<img>` of the body,
 * `.post-title`), which we do not want for a newsletter card. htmlparser2 streams: we stop at
 * `<body>` once the head has given us everything.
 *
 * The page is parsed under the bounds of parse/limits.ts (nesting, element count, time): past
 * them it fails with a ParseLimitError ("the page nests deeper than 512 elements"), which the
 * unfurler records on the item, unless the metadata was already complete.
 */
import { htmlToText } from "../feed/html.js";
import { isParseLimitError, ParseBudget } from "../parse/limits.js";
import { parseMarkup } from "../parse/markup.js";
import { collapseWhitespace, truncateGraphemes } from "../text/index.js";

export const MAX_TITLE_GRAPHEMES = 300;
export const MAX_DESCRIPTION_GRAPHEMES = 300;
export const MAX_SITE_NAME_GRAPHEMES = 100;
const MAX_IMAGE_URL = 2048;

export interface PageMetadata {
  title: string | null;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
}

const WANTED = new Set([
  "og:title",
  "og:description",
  "og:image",
  "og:image:url",
  "og:image:secure_url",
  "og:site_name",
  "twitter:title",
  "twitter:description",
  "twitter:image",
  "twitter:image:src",
  "description",
]);

/**
 * Reads the metadata of an HTML document fetched from `pageUrl` (the final URL, after redirects).
 * Throws ParseLimitError for a page past the parse bounds.
 */
export function extractMetadata(
  html: string,
  pageUrl: string,
  budget = new ParseBudget("the page"),
): PageMetadata {
  const meta = new Map<string, string>();
  let title: string | null = null;
  let titleText: string[] | null = null;
  let base: string | null = null;
  let svgDepth = 0;
  let inBody = false;

  const complete = () =>
    title !== null && (meta.has("og:description") || meta.has("description")) && hasImage(meta);
  const handler = {
    onopentag(name: string, attrs: Record<string, string>) {
      if (name === "svg") svgDepth++;
      else if (name === "body") inBody = true;
      else if (name === "title" && svgDepth === 0 && title === null) titleText = [];
      else if (name === "base" && base === null && attrs.href) base = attrs.href;
      else if (name === "meta") {
        const key = (attrs.property || attrs.name || attrs.itemprop || "").trim().toLowerCase();
        const content = attrs.content ?? attrs.value;
        // The first of each wins (og:image may repeat; the first is the page's main picture).
        if (WANTED.has(key) && content !== undefined && content.trim() !== "" && !meta.has(key))
          meta.set(key, content);
      }
    },
    ontext(text: string) {
      titleText?.push(text);
    },
    onclosetag(name: string) {
      if (name === "svg") svgDepth = Math.max(0, svgDepth - 1);
      else if (name === "title" && titleText) {
        title = titleText.join("");
        titleText = null;
      }
    },
  };
  try {
    // Metadata belongs in <head>; a page that strays into <body> is read to its end (≤ maxBytes).
    parseMarkup(html, handler, {
      parser: { decodeEntities: true },
      budget,
      done: () => inBody && complete(),
    });
  } catch (e) {
    // A bound hit in the body after the head gave everything: the same card as reading on.
    if (!(isParseLimitError(e) && inBody && complete())) throw e;
  }
  const valueBudget = budget.part("HTML in the page's metadata");

  const pick = (...names: string[]) => {
    for (const n of names) {
      const v = meta.get(n);
      const plain = v === undefined ? "" : toPlainText(v, valueBudget);
      if (plain) return plain;
    }
    return null;
  };
  const cut = (text: string | null, max: number) => (text ? truncateGraphemes(text, max) : null);
  const docTitle = title === null ? "" : collapseWhitespace(title);
  const resolveBase = base ? safeUrl(base, pageUrl, false) : null;

  return {
    title: cut(pick("og:title", "twitter:title") ?? (docTitle || null), MAX_TITLE_GRAPHEMES),
    description: cut(pick("og:description", "twitter:description", "description"), MAX_DESCRIPTION_GRAPHEMES),
    imageUrl: imageOf(meta, resolveBase ?? pageUrl),
    siteName: cut(pick("og:site_name"), MAX_SITE_NAME_GRAPHEMES),
  };
}

function hasImage(meta: Map<string, string>): boolean {
  return ["og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"].some((k) =>
    meta.has(k),
  );
}

/** The first usable picture: og:image:secure_url, og:image, twitter:image; http(s) only. */
function imageOf(meta: Map<string, string>, base: string): string | null {
  for (const key of [
    "og:image:secure_url",
    "og:image",
    "og:image:url",
    "twitter:image",
    "twitter:image:src",
  ]) {
    const v = meta.get(key);
    const url = v === undefined ? null : safeUrl(v.trim(), base, true);
    if (url) return url;
  }
  return null;
}

/** `value` resolved against `base`, if it is an http(s) URL without credentials (no javascript:, data:). */
function safeUrl(value: string, base: string, strict: boolean): string | null {
  let u: URL;
  try {
    u = new URL(value, base);
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  if (strict && (u.username || u.password || u.href.length > MAX_IMAGE_URL)) return null;
  return u.href;
}

/**
 * Text of a meta value: entities are already decoded by the page parser, but values carry markup
 * now and then (`<b>`, or an attack's `<script>`), so they go through the feed's HTML-to-text
 * reduction (script/style content dropped), then every kind of whitespace is collapsed.
 */
export function toPlainText(value: string, budget?: ParseBudget): string {
  if (!value.includes("<") && !value.includes("&")) return collapseWhitespace(value);
  return collapseWhitespace(htmlToText(value, { budget }));
}
