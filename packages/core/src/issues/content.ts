/**
 * An issue's stored record → what the renderer needs, and the renderings the API and the sender
 * ask for. Drafts render from their items as they are now; sending and sent issues from their
 * snapshot.
 */

import type { Ctx } from "../context.js";
import { NotFoundError } from "../errors.js";
import type { LinkCheckOptions } from "../links/checker.js";
import { publicUrl } from "../model/paths.js";
import type { IssueRecord } from "../store/issues.js";
import { checkIssueItems } from "./drafts.js";
import { annotatePreview } from "./links/annotate.js";
import { checkIssueLinks } from "./links/report.js";
import {
  type RenderedIssue,
  type RenderIssueInput,
  renderIssue,
  renderOptions,
  renderWebVersion,
} from "./render/index.js";
import { cardsOf } from "./snapshot.js";

export async function renderInputOf(ctx: Ctx, rec: IssueRecord): Promise<RenderIssueInput> {
  return {
    number: rec.number,
    title: rec.title,
    subject: rec.subject,
    intro: rec.intro ?? "",
    sections: rec.sections,
    sentAt: rec.sentAt,
    // A draft (preview, test copy) and a send under way are dated now: the day it goes out.
    date: rec.sentAt ?? ctx.now().toISOString(),
    cards: await cardsOf(ctx, rec),
  };
}

/**
 * The mail of an issue, rendered once; `html(url)` / `text(url)` give each recipient's copy.
 * For the sender: call after `snapshotIssue`, so the mail is what the archive will show. A
 * draft (preview, test copy) is refused while it holds a rejected or unknown item (400).
 */
export async function renderIssueMail(ctx: Ctx, issueNumber: number): Promise<RenderedIssue> {
  const rec = await ctx.store.issues.mustGet(issueNumber);
  if (rec.status === "draft") await checkIssueItems(ctx, rec.sections);
  return renderIssue(await renderInputOf(ctx, rec), renderOptions(ctx.config));
}

/** The unsubscribe link a preview shows in place of a recipient's own. */
export const sampleUnsubscribeUrl = (ctx: Ctx): string =>
  `${publicUrl(ctx.config.publicBaseUrl, "unsubscribe")}?token=preview`;

/**
 * The email HTML exactly as a subscriber gets it, with a sample unsubscribe link. A draft's links
 * are checked first (cached for the hour) and its problems shown next to their items.
 */
export async function previewIssue(
  ctx: Ctx,
  issueNumber: number,
  linkOptions?: Partial<LinkCheckOptions>,
): Promise<string> {
  const mail = await renderIssueMail(ctx, issueNumber);
  const html = mail.html(sampleUnsubscribeUrl(ctx));
  const rec = await ctx.store.issues.mustGet(issueNumber);
  if (rec.status !== "draft") return html;
  // Best effort: a cache the table cannot serve costs the preview its link notes, not the preview.
  const report = await checkIssueLinks(ctx, rec, linkOptions).catch((error: unknown) => {
    ctx.log.warn("link check failed", { issue: issueNumber, error });
    return [];
  });
  return annotatePreview(html, report);
}

/** The public web version; 404 for a draft (not published) or an unknown number. */
export async function webVersionOf(ctx: Ctx, issueNumber: number): Promise<string> {
  const rec = await ctx.store.issues.get(issueNumber);
  if (!rec || rec.status === "draft") throw new NotFoundError("issue", String(issueNumber));
  return renderWebVersion(await renderInputOf(ctx, rec), renderOptions(ctx.config));
}
