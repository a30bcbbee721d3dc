/**
 * The web version of an issue (`GET /issues/:number`): the mail's layout in a full page with its
 * own Open Graph and Twitter tags, links to the archive and the feed instead of an unsubscribe link,
 * and the subscribe form below. The page's stylesheet (page.ts) fits the layout to narrow screens.
 */

import type { NewsletterLang } from "../../config.js";
import { readerText } from "../../i18n/readers.js";
import { publicUrl } from "../../model/paths.js";
import { feedLink } from "./archive.js";
import { escapeHtml as e } from "./escape.js";
import { contentRows, dateTag, frame } from "./layout.js";
import { pageShell, subscribeBox } from "./page.js";
import { firstImageOf, type PreparedIssue, summaryOf } from "./prepare.js";
import { STYLE } from "./style.js";

export interface WebOptions {
  publicBaseUrl: string;
  newsletterName: string;
  webUrl: string;
  lang?: NewsletterLang;
}

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
    ["property", "og:locale", o.lang === "ja" ? "ja_JP" : "en_US"],
    ...(image ? ([["property", "og:image", image]] as [string, string, string][]) : []),
    // Our pictures are square thumbnails: the "summary" card shows them uncropped.
    ["name", "twitter:card", "summary"],
    ["name", "twitter:title", p.title],
    ["name", "twitter:description", description],
    ...(image ? ([["name", "twitter:image", image]] as [string, string, string][]) : []),
  ];
  const t = readerText(o.lang);
  const footer =
    `<a class="archive" href="${e(publicUrl(o.publicBaseUrl, "archive"))}" style="${STYLE.footerLink}">${e(t("allIssuesOf", { name: o.newsletterName }))}</a>` +
    ` &middot; <a class="feed" href="${e(publicUrl(o.publicBaseUrl, "feed"))}" style="${STYLE.footerLink}">${e(t("rssFeed"))}</a>`;
  return pageShell({
    lang: o.lang ?? "en",
    title: p.title,
    head: [
      ...meta.map(([attr, key, value]) => `<meta ${attr}="${key}" content="${e(value)}">`),
      `<link rel="canonical" href="${e(o.webUrl)}">`,
      feedLink(o),
    ],
    body: `${frame(contentRows(p, dateTag(p) || undefined), footer)}\n${subscribeBox(t, o.newsletterName)}`,
  });
}
