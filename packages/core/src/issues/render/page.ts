/**
 * The readers' web pages: subscribe, confirm and unsubscribe (packages/api), the archive list, its
 * 404 and an issue's web version. One shell with `lang`, one stylesheet (`PAGE_CSS`: the only
 * `<style>` block of every page, so a Content-Security-Policy can allow it by its hash), and the
 * subscribe form. No script anywhere: the form posts without JavaScript.
 */

import type { NewsletterLang } from "../../config.js";
import type { ReaderText } from "../../i18n/readers.js";
import { PUBLIC_PATHS } from "../../model/paths.js";
import { escapeHtml as e } from "./escape.js";

/** System fonts first, then the Japanese ones (macOS/iOS, Windows, Linux/Android). */
export const PAGE_FONT =
  'system-ui,-apple-system,"Segoe UI","Hiragino Sans","Hiragino Kaku Gothic ProN","Yu Gothic",Meiryo,"Noto Sans CJK JP",sans-serif';

/**
 * Fluid from 320 px up: boxes of at most 600 px, edge to edge on a phone; the web version's
 * 600 px mail table (inline styles) fills a narrow screen too.
 */
export const PAGE_CSS = [
  `body{margin:0;padding:0;background:#f3f4f6;color:#1f2937;font:16px/1.7 ${PAGE_FONT};overflow-wrap:break-word;-webkit-text-size-adjust:100%;text-size-adjust:100%}`,
  "a{color:#1d4ed8}",
  ".box{box-sizing:border-box;max-width:600px;margin:24px auto;padding:28px 32px;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08)}",
  "table.outer+.box{margin-top:0}form{margin:0 0 16px}",
  ".site{margin:0 0 8px;font-weight:700}.site a{color:#0369a1;text-decoration:none}",
  "h1{margin:0 0 16px;font-size:1.6rem;line-height:1.35;color:#111827}",
  "h2{margin:0 0 8px;font-size:1.15rem;line-height:1.4;color:#111827}",
  "p{margin:0 0 12px}.note{color:#6b7280;font-size:.875rem}",
  ".issues{margin:0 0 16px;padding-left:1.6em}.issues li{margin:0 0 8px}",
  "time{margin-left:8px;color:#6b7280;font-size:.875rem;white-space:nowrap}",
  ".subscribe label{display:block;margin:0 0 6px;font-weight:700}",
  ".subscribe .row{display:flex;flex-wrap:wrap;gap:8px}",
  ".subscribe input{flex:1 1 14em;min-width:0;box-sizing:border-box;padding:10px 12px;font:inherit;color:inherit;background:#fff;border:1px solid #9ca3af;border-radius:6px}",
  "button{padding:10px 20px;font:inherit;font-weight:700;color:#fff;background:#0369a1;border:0;border-radius:6px;cursor:pointer}",
  "button:hover{background:#075985}",
  ":focus-visible{outline:3px solid #7dd3fc;outline-offset:2px}",
  "@media (max-width:640px){",
  ".box{margin:0 0 8px;padding:24px 16px;border-radius:0;box-shadow:none}",
  "table.outer>tbody>tr>td{padding:0!important}",
  "table.container{width:100%!important}",
  "table.container>tbody>tr>td{padding-left:16px!important;padding-right:16px!important}",
  "div.card-thumb{width:96px!important}",
  "div.card-text{max-width:none!important;width:auto!important}",
  "img.card-image{width:96px!important;height:96px!important}",
  "}",
].join("\n");

export interface PageShellOptions {
  lang: NewsletterLang;
  /** Text (escaped here). */
  title: string;
  /** More `<head>` lines, already HTML. */
  head?: string[];
  /** The body, already HTML. */
  body: string;
}

export function pageShell(o: PageShellOptions): string {
  return [
    "<!DOCTYPE html>",
    `<html lang="${o.lang}">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // no icon: browsers would ask for /favicon.ico and log the 404
    '<link rel="icon" href="data:,">',
    `<title>${e(o.title)}</title>`,
    ...(o.head ?? []),
    `<style>${PAGE_CSS}</style>`,
    "</head>",
    "<body>",
    o.body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * The subscribe form: one email field, posted form-encoded to this site's `POST /subscribe` (a
 * path, so it goes to whatever host served the page and `form-action 'self'` allows it).
 */
export function subscribeForm(t: ReaderText, value?: string): string {
  return [
    `<form class="subscribe" method="post" action="${PUBLIC_PATHS.subscribe}">`,
    `<label for="email">${e(t("emailLabel"))}</label>`,
    '<div class="row">',
    `<input id="email" name="email" type="email" autocomplete="email" required spellcheck="false" autocapitalize="off"${value ? ` value="${e(value)}"` : ""}>`,
    `<button type="submit">${e(t("subscribeButton"))}</button>`,
    "</div>",
    "</form>",
  ].join("\n");
}

/** The archive pages' box: a heading, one line, the form. */
export function subscribeBox(t: ReaderText, newsletterName: string): string {
  return [
    '<section class="box" aria-labelledby="subscribe-heading">',
    `<h2 id="subscribe-heading">${e(t("formHeading", { name: newsletterName }))}</h2>`,
    `<p>${e(t("subscribeLead"))}</p>`,
    subscribeForm(t),
    "</section>",
  ].join("\n");
}
