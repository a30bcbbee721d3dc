/**
 * The issue as HTML table rows inside a fluid container at most 600 px wide: the layout mail clients agree on
 * (tables, inline styles, `width`/`height` on images). The mail and the web version share it.
 * Every value from outside is escaped here or came through markdown.ts's sanitiser.
 */
import { escapeHtml as e } from "./escape.js";
import type { PreparedCard, PreparedIssue } from "./prepare.js";
import { STYLE } from "./style.js";

export const THUMB_SIZE = 140;

const TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"';

/** The card's inner width: the 600 px container less the card's 32 px paddings. */
const CARD_WIDTH = 536;
/** Text column beside the thumbnail: 536 - 140 - 16 px gap. */
const TEXT_WIDTH = CARD_WIDTH - THUMB_SIZE - 16;

/**
 * "Fluid hybrid" card: the thumbnail and the text are inline-block columns (caniemail
 * `css-display-inline-block`, `css-max-width`), so they sit side by side where 512 px fit (a 600 px window) and
 * the text wraps below the thumbnail where they do not, with no media query: this serves the
 * Gmail app with non-Google accounts and other clients that drop `<style>`. Outlook for Windows
 * (Word engine) ignores inline-block and max-width: the `<!--[if mso]>` table (caniemail
 * `html-conditional-comments`) gives it fixed columns. Clients that support `@media`
 * (caniemail `css-at-media`: Apple Mail, iOS, Gmail web/app with Google accounts, Outlook.com)
 * get email.ts's narrow-screen rule on top.
 */
function cardRow(c: PreparedCard): string {
  const href = e(c.href);
  const text = [
    `<a class="card-title" href="${href}" style="${STYLE.cardTitle}">${e(c.title)}</a>`,
    ` <span class="card-domain" style="${STYLE.cardDomain}">&mdash;&nbsp;<a href="${href}" style="${STYLE.cardDomainLink}">${e(c.domain)}</a></span>`,
    c.facts.length
      ? `<div class="card-facts" style="${STYLE.cardFacts}">${c.facts.map(e).join(" &middot; ")}</div>`
      : "",
    c.description
      ? `<p class="card-description" style="${STYLE.cardDescription}">${e(c.description)}</p>`
      : "",
  ].join("");
  const columns = c.imageUrl
    ? `<!--[if mso]><table ${TABLE} width="${CARD_WIDTH}"><tr><td width="${THUMB_SIZE + 16}" valign="top"><![endif]-->` +
      `<div class="card-thumb" style="${STYLE.thumbCell}"><a href="${href}"><img class="card-image" src="${e(c.imageUrl)}" width="${THUMB_SIZE}" height="${THUMB_SIZE}" alt="${e(c.title)}" style="${STYLE.thumb}"></a></div>` +
      `<!--[if mso]></td><td width="${TEXT_WIDTH}" valign="top"><![endif]-->` +
      `<div class="card-text" style="${STYLE.cardText}">${text}</div>` +
      "<!--[if mso]></td></tr></table><![endif]-->"
    : `<div class="card-text" style="${STYLE.cardTextFull}">${text}</div>`;
  const comment = c.commentHtml
    ? `<div class="card-comment" style="${STYLE.cardComment}">${c.commentHtml}</div>`
    : "";
  return `<tr><td class="card" data-item="${e(c.id)}" style="${STYLE.card}">${columns}${comment}</td></tr>`;
}

/** Title, `underTitle` (HTML, e.g. the mail's web version link), intro, then each section. */
/** The issue's date under its title, as `<time>`. */
export const dateTag = (p: PreparedIssue): string =>
  p.date ? `<time class="issue-date" datetime="${p.date.day}">${e(p.date.text)}</time>` : "";

export function contentRows(p: PreparedIssue, underTitle?: string): string {
  const rows = [
    `<tr><td style="${STYLE.cell}"><h1 class="issue-title" style="${STYLE.title}">${e(p.title)}</h1></td></tr>`,
  ];
  if (underTitle)
    rows.push(`<tr><td class="under-title" style="${STYLE.underTitle}">${underTitle}</td></tr>`);
  if (p.introHtml) rows.push(`<tr><td class="intro" style="${STYLE.intro}">${p.introHtml}</td></tr>`);
  for (const s of p.sections) {
    rows.push(
      `<tr><td class="section" style="${STYLE.cell}"><h2 class="section-heading" style="${STYLE.heading}">${e(s.heading)}</h2></td></tr>`,
    );
    if (s.bodyHtml) rows.push(`<tr><td class="section-body" style="${STYLE.body}">${s.bodyHtml}</td></tr>`);
    for (const c of s.cards) rows.push(cardRow(c));
  }
  return rows.join("\n");
}

/**
 * The page around the rows: a full-width background table and the container, `width:100%;
 * max-width:600px` so it fills a phone instead of being shrunk. Outlook for Windows ignores
 * max-width (caniemail `css-max-width`), so an `<!--[if mso]>` 600 px table holds it there.
 */
export function frame(rows: string, footer: string): string {
  return (
    `<table ${TABLE} class="outer" width="100%" style="${STYLE.outer}"><tr><td class="outer-cell" align="center" style="${STYLE.outerCell}">\n` +
    `<!--[if mso]><table ${TABLE} width="600" align="center"><tr><td><![endif]-->\n` +
    `<table ${TABLE} class="container" width="100%" style="${STYLE.container}">\n${rows}\n` +
    `<tr><td class="footer" style="${STYLE.footer}">${footer}</td></tr>\n` +
    "</table>\n<!--[if mso]></td></tr></table><![endif]-->\n</td></tr></table>"
  );
}
