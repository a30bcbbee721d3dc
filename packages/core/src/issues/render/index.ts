/**
 * Rendering an issue: one module for the preview, the mail and the web version.
 *
 * `renderIssue` does all the work once (markdown, sanitising, link tagging, layout) and returns
 * functions that only splice the recipient's unsubscribe URL into the finished strings, so a
 * sender can render every recipient's copy at the SES rate for the cost of a string join.
 *
 * Links to items carry `utm_source` / `utm_medium` / `utm_campaign`: medium "email" in both mail
 * parts, "web" on the web version. The footer's own links (web version, unsubscribe, archive,
 * feed) are left untagged: they point at this site, and the unsubscribe URL must stay as issued.
 */

import { randomBytes } from "node:crypto";
import { type Config, type NewsletterLang, unicodeSlug } from "../../config.js";
import { publicUrl } from "../../model/paths.js";
import { collapseWhitespace } from "../../text/index.js";
import { emailHtml } from "./email.js";
import { escapeHtml } from "./escape.js";
import { campaignOf, httpUrl, type Utm } from "./links.js";
import { plainText } from "./plain.js";
import { prepareIssue, type RenderIssueInput, summaryOf } from "./prepare.js";
import { webPage } from "./web.js";

export { campaignOf, httpUrl, tagUrl, type Utm } from "./links.js";
export type { RenderIssueInput } from "./prepare.js";

export interface RenderOptions {
  /** Base of the web version and archive links, without a trailing slash. */
  publicBaseUrl: string;
  newsletterName: string;
  /** `utm_source`: `UTM_SOURCE`, else the newsletter's slug. */
  utmSource: string;
  /** `utm_campaign` template; `{number}` becomes the issue number. */
  utmCampaign: string;
  /** The issue's web version; defaults to `<publicBaseUrl>/issues/<number>`. */
  webUrl?: string;
  /** The readers' language (`NEWSLETTER_LANG`): the footer, the cards' facts; English when unset. */
  lang?: NewsletterLang;
  /** The time zone of the issue's date (`NEWSLETTER_TZ`); UTC when unset. */
  timeZone?: string;
}

export interface RenderedIssue {
  subject: string;
  /** The hidden inbox preview line of the HTML part. */
  preheader: string;
  /** The HTML part for one recipient. Throws on a non-http(s) URL. */
  html(unsubscribeUrl: string): string;
  /** The text part for one recipient. */
  text(unsubscribeUrl: string): string;
}

/** Render options from the configuration (DESIGN.md "Configuration", "Mail links"). */
export function renderOptions(
  config: Pick<
    Config,
    | "publicBaseUrl"
    | "newsletterName"
    | "newsletterLang"
    | "newsletterTz"
    | "newsletterSlug"
    | "utmSource"
    | "utmCampaign"
  >,
): RenderOptions {
  return {
    publicBaseUrl: config.publicBaseUrl.replace(/\/+$/, ""),
    newsletterName: config.newsletterName,
    lang: config.newsletterLang,
    timeZone: config.newsletterTz,
    utmSource: config.utmSource ?? unicodeSlug(config.newsletterName),
    utmCampaign: config.utmCampaign,
  };
}

export const webUrlOf = (publicBaseUrl: string, issueNumber: number): string =>
  publicUrl(publicBaseUrl, "issue", { number: issueNumber });

/** The UTM values of issue `n` for a medium ("email", "web", "rss"). */
export const utmFor = (o: RenderOptions, medium: string, n: number): Utm => ({
  source: o.utmSource,
  medium,
  campaign: campaignOf(o.utmCampaign, n),
});

function checkedUrl(url: string): string {
  const u = httpUrl(url);
  if (!u) throw new Error(`unsubscribe URL must be http(s): ${url}`);
  return u.toString();
}

export function renderIssue(input: RenderIssueInput, o: RenderOptions): RenderedIssue {
  const prepared = prepareIssue(input, utmFor(o, "email", input.number), o);
  const webUrl = o.webUrl ?? webUrlOf(o.publicBaseUrl, input.number);
  // A marker no content can contain (random), replaced per recipient.
  const marker = `%%unsubscribe-${randomBytes(12).toString("hex")}%%`;
  const common = {
    newsletterName: o.newsletterName,
    webUrl,
    archiveUrl: publicUrl(o.publicBaseUrl, "archive"),
    subscribeUrl: publicUrl(o.publicBaseUrl, "subscribe"),
    unsubscribePlaceholder: marker,
    lang: o.lang,
  };
  const htmlParts = emailHtml(prepared, common).split(marker);
  const textParts = plainText(prepared, common).split(marker);
  return {
    subject: collapseWhitespace(prepared.subject),
    preheader: summaryOf(prepared, 150),
    html: (unsubscribeUrl) => htmlParts.join(escapeHtml(checkedUrl(unsubscribeUrl))),
    text: (unsubscribeUrl) => textParts.join(checkedUrl(unsubscribeUrl)),
  };
}

/** The web version page: the same content, links tagged with `utm_medium=web`. */
export function renderWebVersion(input: RenderIssueInput, o: RenderOptions): string {
  const prepared = prepareIssue(input, utmFor(o, "web", input.number), o);
  return webPage(prepared, {
    publicBaseUrl: o.publicBaseUrl,
    newsletterName: o.newsletterName,
    lang: o.lang,
    webUrl: o.webUrl ?? webUrlOf(o.publicBaseUrl, input.number),
  });
}

/** The render-ready content, for layouts outside this module (the feed's entries). */
export { firstImageOf, type PreparedIssue, prepareIssue, summaryOf } from "./prepare.js";
