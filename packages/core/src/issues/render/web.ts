/**
 * The web version of an issue (`GET /issues/:number`): the mail's layout in a full page with its
 * own Open Graph and Twitter tags, links to the archive and the feed instead of an unsubscribe link.
 */
import { escapeHtml as e } from "./escape.js";
import { contentRows, frame } from "./layout.js";
import { firstImageOf, type PreparedIssue, summaryOf } from "./prepare.js";
import { STYLE } from "./style.js";

export interface WebOptions {
  publicBaseUrl: string;
  newsletterName: string;
  webUrl: string;
}

/** Narrow screens: the container fills the width, thumbnails shrink. */
const RESPONSIVE = `
@media (max-width: 640px) {
  table.container { width: 100% !important; }
  td.card-thumb { width: 96px !important; }
  img.card-image { width: 96px !important; height: 96px !important; }
}`;

export function webPage(p: PreparedIssue, o: WebOptions): string {
  const description = summaryOf(p, 200);
  const image = firstImageOf(p);
  const meta: [string, string, string][] = [
    ["name", "description", description],
    ["property", "og:type", "article"],
    ["property", "og:site_name", o.newsletterName],
    ["property", "og:title", p.title],
    ["property", "og:description", description],
    ["property", "og:url", o.webUrl],
    ...(image ? ([["property", "og:image", image]] as [string, string, string][]) : []),
    ["name", "twitter:card", image ? "summary_large_image" : "summary"],
    ["name", "twitter:title", p.title],
    ["name", "twitter:description", description],
    ...(image ? ([["name", "twitter:image", image]] as [string, string, string][]) : []),
  ];
  const footer =
    `<a class="archive" href="${e(o.publicBaseUrl)}/issues" style="${STYLE.footerLink}">All issues of ${e(o.newsletterName)}</a>` +
    ` &middot; <a class="feed" href="${e(o.publicBaseUrl)}/feed.xml" style="${STYLE.footerLink}">RSS feed</a>`;
  return [
    "<!DOCTYPE html>",
    "<html>",
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(p.title)}</title>`,
    ...meta.map(([attr, key, value]) => `<meta ${attr}="${key}" content="${e(value)}">`),
    `<link rel="canonical" href="${e(o.webUrl)}">`,
    `<link rel="alternate" type="application/rss+xml" title="${e(o.newsletterName)}" href="${e(o.publicBaseUrl)}/feed.xml">`,
    `<style>${RESPONSIVE}</style>`,
    "</head>",
    `<body style="${STYLE.page}">`,
    frame(contentRows(p), footer),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
