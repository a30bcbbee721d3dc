/** The mail's HTML part: the shared layout plus a hidden preheader and the unsubscribe footer. */
import { escapeHtml as e } from "./escape.js";
import { contentRows, frame } from "./layout.js";
import { type PreparedIssue, summaryOf } from "./prepare.js";
import { STYLE } from "./style.js";

export interface EmailOptions {
  newsletterName: string;
  webUrl: string;
  /** Inserted where the recipient's unsubscribe URL goes (index.ts substitutes it per recipient). */
  unsubscribePlaceholder: string;
}

/** Invisible filler after the preheader so clients do not pull body text into the inbox preview. */
const PREHEADER_FILL = "&#847;&zwnj;&nbsp;".repeat(60);

export function emailHtml(p: PreparedIssue, o: EmailOptions): string {
  const footer =
    `You receive ${e(o.newsletterName)} because you subscribed to it.<br>` +
    `<a class="web-version" href="${e(o.webUrl)}" style="${STYLE.footerLink}">View this issue in your browser</a>` +
    ` &middot; <a class="unsubscribe" href="${o.unsubscribePlaceholder}" style="${STYLE.footerLink}">Unsubscribe</a>`;
  return [
    "<!DOCTYPE html>",
    '<html xmlns="http://www.w3.org/1999/xhtml">',
    "<head>",
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="x-apple-disable-message-reformatting">',
    '<meta name="color-scheme" content="light">',
    `<title>${e(p.subject)}</title>`,
    "</head>",
    `<body style="${STYLE.page}">`,
    `<div class="preheader" style="${STYLE.preheader}">${e(summaryOf(p, 150))}${PREHEADER_FILL}</div>`,
    frame(contentRows(p), footer),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
