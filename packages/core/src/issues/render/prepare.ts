/**
 * The content of an issue in render-ready form for one medium: free text turned into safe HTML
 * and text, links tagged, cards in section order. email.ts, plain.ts and web.ts only lay it out.
 */

import type { NewsletterLang } from "../../config.js";
import { type ReaderText, readerText } from "../../i18n/readers.js";
import { isMediaKey, mediaUrl } from "../../media/store.js";
import type { IssueSection } from "../../model/index.js";
import { collapseWhitespace } from "../../text/index.js";
import type { IssueCard } from "../card.js";
import { type IssueDate, issueDate } from "./date.js";
import { tagUrl, type Utm } from "./links.js";
import { renderBlock, renderComment } from "./markdown.js";
import { htmlToMailText } from "./text.js";

/** What rendering needs of an issue; its cards come from its items (draft) or its snapshot. */
export interface RenderIssueInput {
  number: number;
  title: string;
  subject: string;
  intro: string;
  sections: IssueSection[];
  sentAt?: string | null;
  /** The issue's date (when it went or goes out; a draft's preview: now), shown under the title. */
  date?: string | null;
  /** Cards by item id; an id without a card (an item that vanished) is left out. */
  cards: ReadonlyMap<string, IssueCard>;
}

export interface PreparedCard {
  id: string;
  /** Title and description are text (escaped by the layouts); href is http(s) only. */
  title: string;
  href: string;
  domain: string;
  description: string | null;
  /** Our hosted thumbnail (`/media/<key>` on the public origin), never the publisher's picture. */
  imageUrl: string | null;
  facts: string[];
  commentHtml: string;
  commentText: string;
}

export interface PreparedSection {
  heading: string;
  bodyHtml: string;
  bodyText: string;
  cards: PreparedCard[];
}

export interface PreparedIssue {
  number: number;
  title: string;
  subject: string;
  introHtml: string;
  introText: string;
  /** The intro as text without URLs: preheader and descriptions. */
  introSummary: string;
  /** The day in the newsletter's time zone, written in its language. */
  date: IssueDate | null;
  sections: PreparedSection[];
}

const day = (iso: string | null | undefined): string | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
};

/** Short facts under a card's title: a release's tag, a competition's deadline and reward. */
export function factsOf(card: IssueCard, t: ReaderText = readerText()): string[] {
  const facts: string[] = [];
  if (card.kind === "release") {
    // The tag once: GitHub's release titles ("Release v0.3.0 … · owner/repo") often carry it already.
    if (card.tag && !card.title.includes(card.tag.trim())) facts.push(card.tag);
    if (card.prerelease) facts.push(t("prerelease"));
  }
  if (card.kind === "competition") {
    if (card.category) facts.push(card.category);
    const deadline = day(card.deadline);
    if (deadline) facts.push(t("deadline", { date: deadline }));
    if (card.reward) facts.push(t("prize", { reward: card.reward }));
  }
  return facts;
}

/** What preparing needs besides the content: the readers' language, the origin of hosted media. */
export interface PrepareOptions {
  /** The language of the cards' facts (`NEWSLETTER_LANG`), English when unset. */
  lang?: NewsletterLang;
  /** The public origin that serves `/media/` (`PUBLIC_BASE_URL`). */
  publicBaseUrl: string;
  /** The time zone of the date (`NEWSLETTER_TZ`); UTC when unset. */
  timeZone?: string;
}

function prepareCard(
  card: IssueCard,
  utm: Utm | null,
  t: ReaderText,
  o: PrepareOptions,
): PreparedCard | null {
  const href = tagUrl(card.url, utm);
  // An item whose URL is not http(s) has nothing to link to: it is left out.
  if (!href) return null;
  const commentHtml = renderComment(card.comment, utm);
  return {
    id: card.id,
    title: card.title.trim() || card.domain,
    href,
    domain: card.domain || new URL(href).hostname.replace(/^www\./, ""),
    description: card.description?.trim() || null,
    // Only our copy: a publisher's URL (cards frozen before thumbnails were hosted) is never shown.
    imageUrl: card.thumbnail && isMediaKey(card.thumbnail) ? mediaUrl(o.publicBaseUrl, card.thumbnail) : null,
    facts: factsOf(card, t),
    commentHtml,
    commentText: htmlToMailText(commentHtml),
  };
}

export function prepareIssue(input: RenderIssueInput, utm: Utm | null, o: PrepareOptions): PreparedIssue {
  const t = readerText(o.lang);
  const introHtml = renderBlock(input.intro, utm);
  return {
    number: input.number,
    title: input.title,
    subject: input.subject || input.title,
    introHtml,
    introText: htmlToMailText(introHtml),
    introSummary: htmlToMailText(introHtml, { urls: false }),
    date: issueDate(input.date ?? input.sentAt, o.lang, o.timeZone),
    sections: input.sections.map((s) => {
      const bodyHtml = renderBlock(s.body, utm);
      return {
        heading: s.heading,
        bodyHtml,
        bodyText: htmlToMailText(bodyHtml),
        cards: s.itemIds
          .map((id) => input.cards.get(id))
          .filter((c): c is IssueCard => c !== undefined)
          .map((c) => prepareCard(c, utm, t, o))
          .filter((c): c is PreparedCard => c !== null),
      };
    }),
  };
}

/** Text for a preview line or a description: the intro, else the first card titles. */
export function summaryOf(p: PreparedIssue, max: number): string {
  const intro = collapseWhitespace(p.introSummary);
  const fromCards = p.sections
    .flatMap((s) => s.cards.map((c) => c.title))
    .join(" · ")
    .trim();
  const s = intro || fromCards || p.title;
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** The first card's picture: the issue's image on the web and in feeds. */
export const firstImageOf = (p: PreparedIssue): string | null =>
  p.sections.flatMap((s) => s.cards).find((c) => c.imageUrl)?.imageUrl ?? null;
