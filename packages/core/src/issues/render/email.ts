/** The mail's HTML part: the shared layout plus a hidden preheader and the unsubscribe footer. */
import type { NewsletterLang } from "../../config.js";
import { readerText } from "../../i18n/readers.js";
import { escapeHtml as e } from "./escape.js";
import { contentRows, dateTag, frame } from "./layout.js";
import { type PreparedIssue, summaryOf } from "./prepare.js";
import { STYLE } from "./style.js";

export interface EmailOptions {
  newsletterName: string;
  webUrl: string;
  /** Inserted where the recipient's unsubscribe URL goes (index.ts substitutes it per recipient). */
  unsubscribePlaceholder: string;
  /** The archive (`/issues`) and subscribe page, for readers of a forwarded copy. */
  archiveUrl?: string;
  subscribeUrl?: string;
  /** The footer's language (`NEWSLETTER_LANG`); English when unset. */
  lang?: NewsletterLang;
}

/** Invisible filler after the preheader so clients do not pull body text into the inbox preview. */
const PREHEADER_FILL = "&#847;&zwnj;&nbsp;".repeat(60);

/**
 * Narrow screens, for clients that keep `<style>` and support `@media` (caniemail `css-at-media`:
 * Apple Mail, iOS Mail, Gmail web and app with Google accounts, Outlook.com, Samsung Email).
 * Elsewhere the fluid-hybrid layout (layout.ts) already stacks the thumbnail above the text.
 */
const NARROW_STYLE = [
  "<style>",
  "@media (max-width: 480px) {",
  "td.outer-cell { padding: 0 !important; }",
  "table.container td { padding-left: 16px !important; padding-right: 16px !important; }",
  "div.card-thumb { display: block !important; padding: 0 0 8px 0 !important; }",
  "div.card-text { display: block !important; max-width: none !important; }",
  "}",
  "</style>",
].join("\n");

export function emailHtml(p: PreparedIssue, o: EmailOptions): string {
  const t = readerText(o.lang);
  const footer =
    `${e(t("footerReason", { name: o.newsletterName }))}<br>` +
    `<a class="web-version" href="${e(o.webUrl)}" style="${STYLE.footerLink}">${e(t("footerWebVersion"))}</a>` +
    ` &middot; <a class="unsubscribe" href="${o.unsubscribePlaceholder}" style="${STYLE.footerLink}">${e(t("footerUnsubscribe"))}</a>` +
    (o.archiveUrl
      ? ` &middot; <a class="archive" href="${e(o.archiveUrl)}" style="${STYLE.footerLink}">${e(t("footerArchive"))}</a>`
      : "") +
    (o.subscribeUrl
      ? `<br>${e(t("footerForwarded"))} <a class="subscribe" href="${e(o.subscribeUrl)}" style="${STYLE.footerLink}">${e(t("footerSubscribe"))}</a>`
      : "");
  const webLink = `<a class="web-version-top" href="${e(o.webUrl)}" style="${STYLE.footerLink}">${e(t("footerWebVersion"))}</a>`;
  return [
    "<!DOCTYPE html>",
    `<html xmlns="http://www.w3.org/1999/xhtml" lang="${o.lang ?? "en"}">`,
    "<head>",
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="x-apple-disable-message-reformatting">',
    '<meta name="color-scheme" content="light">',
    `<title>${e(p.subject)}</title>`,
    NARROW_STYLE,
    "</head>",
    `<body style="${STYLE.page}">`,
    `<div class="preheader" style="${STYLE.preheader}">${e(summaryOf(p, 150))}${PREHEADER_FILL}</div>`,
    frame(contentRows(p, [dateTag(p), webLink].filter(Boolean).join(" &middot; ")), footer),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
