/**
 * The public archive's other pages: the list of sent issues, the 404 page, and the RSS 2.0 feed
 * of sent issues (https://www.rssboard.org/rss-specification). The pages carry the subscribe form.
 */

import type { NewsletterLang } from "../../config.js";
import { type ReaderText, readerText } from "../../i18n/readers.js";
import { publicUrl } from "../../model/paths.js";
import { dayIn } from "./date.js";
import { escapeHtml as e } from "./escape.js";
import { pageShell, subscribeBox } from "./page.js";
import { firstImageOf, type PreparedIssue, summaryOf } from "./prepare.js";

export interface ArchiveEntry {
  number: number;
  title: string;
  sentAt: string;
  url: string;
}

export interface SiteOptions {
  publicBaseUrl: string;
  newsletterName: string;
  /** The readers' language (`NEWSLETTER_LANG`); English when unset. */
  lang?: NewsletterLang;
  /** The list's days are in the newsletter's time zone (`NEWSLETTER_TZ`); UTC when unset. */
  timeZone?: string;
}

/** The feed's `<link rel="alternate">`, in the archive pages and the web version. */
export const feedLink = (o: SiteOptions): string =>
  `<link rel="alternate" type="application/rss+xml" title="${e(o.newsletterName)}" href="${e(publicUrl(o.publicBaseUrl, "feed"))}">`;

function page(o: SiteOptions, title: string, main: (t: ReaderText) => string): string {
  const t = readerText(o.lang);
  return pageShell({
    lang: o.lang ?? "en",
    title,
    head: [feedLink(o)],
    body: `<main class="box">\n${main(t)}\n</main>\n${subscribeBox(t, o.newsletterName)}`,
  });
}

/** `GET /issues`: every sent issue, newest first (the caller's order). */
export function archivePage(entries: ArchiveEntry[], o: SiteOptions): string {
  const t = readerText(o.lang);
  return page(o, t("archiveTitle", { name: o.newsletterName }), () => {
    const list = entries.length
      ? `<ol class="issues" reversed>\n${entries
          .map(
            (x) =>
              `<li class="issue"><a href="${e(x.url)}">${e(x.title)}</a><time datetime="${e(x.sentAt)}">${dayIn(x.sentAt, o.timeZone)}</time></li>`,
          )
          .join("\n")}\n</ol>`
      : `<p>${e(t("noIssues"))}</p>`;
    return `<h1>${e(o.newsletterName)}</h1>\n${list}\n<p><a class="feed" href="${e(publicUrl(o.publicBaseUrl, "feed"))}">${e(t("rssFeed"))}</a></p>`;
  });
}

export function notFoundPage(o: SiteOptions): string {
  const t = readerText(o.lang);
  return page(
    o,
    `${t("notFoundHeading")}: ${o.newsletterName}`,
    () =>
      `<h1>${e(t("notFoundHeading"))}</h1>\n<p>${e(t("notFoundBody"))} <a href="${e(publicUrl(o.publicBaseUrl, "archive"))}">${e(t("allIssuesOf", { name: o.newsletterName }))}</a></p>`,
  );
}

/** Characters XML 1.0 forbids (C0 controls but tab/newline/return, U+FFFE/FFFF, lone surrogates). */
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const x = (s: string): string => e(s.replace(NOT_XML, ""));

export interface FeedEntry extends ArchiveEntry {
  /** The issue's content with links tagged for the feed. */
  content: PreparedIssue;
}

/** A feed entry's description: the intro line, then the issue's links. */
function entryHtml(p: PreparedIssue): string {
  const cards = p.sections.flatMap((s) => s.cards);
  const image = firstImageOf(p);
  return [
    image ? `<p><img src="${e(image)}" alt=""></p>` : "",
    p.introHtml,
    ...p.sections.map((s) =>
      s.cards.length
        ? `<h3>${e(s.heading)}</h3><ul>${s.cards
            .map((c) => `<li><a href="${e(c.href)}">${e(c.title)}</a> &#8212; ${e(c.domain)}</li>`)
            .join("")}</ul>`
        : "",
    ),
    cards.length || p.introHtml ? "" : `<p>${e(summaryOf(p, 200))}</p>`,
  ].join("");
}

/** RSS 2.0, newest first (the caller's order); `lastBuildDate` is the newest issue's date, so an unchanged archive gives the same bytes. */
export function rssFeed(entries: FeedEntry[], o: SiteOptions): string {
  const self = publicUrl(o.publicBaseUrl, "feed");
  const newest = entries[0];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    "<channel>",
    `<title>${x(o.newsletterName)}</title>`,
    `<link>${x(publicUrl(o.publicBaseUrl, "archive"))}</link>`,
    `<description>${x(readerText(o.lang)("feedDescription", { name: o.newsletterName }))}</description>`,
    `<language>${o.lang ?? "en"}</language>`,
    `<atom:link href="${x(self)}" rel="self" type="application/rss+xml"/>`,
    ...(newest ? [`<lastBuildDate>${new Date(newest.sentAt).toUTCString()}</lastBuildDate>`] : []),
    `<generator>${x(o.newsletterName)}</generator>`,
    ...entries.map((it) =>
      [
        "<item>",
        `<title>${x(it.title)}</title>`,
        `<link>${x(it.url)}</link>`,
        `<guid isPermaLink="true">${x(it.url)}</guid>`,
        `<pubDate>${new Date(it.sentAt).toUTCString()}</pubDate>`,
        `<description>${x(entryHtml(it.content))}</description>`,
        "</item>",
      ].join("\n"),
    ),
    "</channel>",
    "</rss>",
    "",
  ];
  return lines.join("\n");
}
