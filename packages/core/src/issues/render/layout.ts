/**
 * The issue as HTML table rows inside a 600 px container: the layout mail clients agree on
 * (tables, inline styles, `width`/`height` on images). The mail and the web version share it.
 * Every value from outside is escaped here or came through markdown.ts's sanitiser.
 */
import { escapeHtml as e } from "./escape.js";
import type { PreparedCard, PreparedIssue } from "./prepare.js";
import { STYLE } from "./style.js";

export const THUMB_SIZE = 140;

const TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"';

function cardRow(c: PreparedCard): string {
  const href = e(c.href);
  const left = [
    `<a class="card-title" href="${href}" style="${STYLE.cardTitle}">${e(c.title)}</a>`,
    ` <span class="card-domain" style="${STYLE.cardDomain}">&mdash;&nbsp;<a href="${href}" style="${STYLE.cardDomainLink}">${e(c.domain)}</a></span>`,
    c.facts.length
      ? `<div class="card-facts" style="${STYLE.cardFacts}">${c.facts.map(e).join(" &middot; ")}</div>`
      : "",
    c.description
      ? `<p class="card-description" style="${STYLE.cardDescription}">${e(c.description)}</p>`
      : "",
  ].join("");
  const thumb = c.imageUrl
    ? `<td class="card-thumb" width="${THUMB_SIZE}" valign="top" style="${STYLE.thumbCell}"><a href="${href}"><img class="card-image" src="${e(c.imageUrl)}" width="${THUMB_SIZE}" height="${THUMB_SIZE}" alt="${e(c.title)}" style="${STYLE.thumb}"></a></td>`
    : "";
  const comment = c.commentHtml
    ? `<tr><td class="card-comment" colspan="${c.imageUrl ? 2 : 1}" style="${STYLE.cardComment}">${c.commentHtml}</td></tr>`
    : "";
  return (
    `<tr><td class="card" data-item="${e(c.id)}" style="${STYLE.card}">` +
    `<table ${TABLE} width="100%"><tr><td valign="top">${left}</td>${thumb}</tr>${comment}</table>` +
    "</td></tr>"
  );
}

/** Title, intro, then each section: heading, body, cards. */
export function contentRows(p: PreparedIssue): string {
  const rows = [
    `<tr><td style="${STYLE.cell}"><h1 class="issue-title" style="${STYLE.title}">${e(p.title)}</h1></td></tr>`,
  ];
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

/** The page around the rows: a full-width background table and the 600 px container. */
export function frame(rows: string, footer: string): string {
  return (
    `<table ${TABLE} class="outer" width="100%" style="${STYLE.outer}"><tr><td align="center" style="${STYLE.outerCell}">\n` +
    `<table ${TABLE} class="container" width="600" style="${STYLE.container}">\n${rows}\n` +
    `<tr><td class="footer" style="${STYLE.footer}">${footer}</td></tr>\n` +
    "</table>\n</td></tr></table>"
  );
}
