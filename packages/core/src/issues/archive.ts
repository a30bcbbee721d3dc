/**
 * The public archive of sent issues: the list page, the web version of one issue and the RSS
 * feed. Only "sent" issues are listed; the web version also answers while an issue is still
 * sending, since its mail already links to it.
 */
import type { Ctx } from "../context.js";
import { NotFoundError } from "../errors.js";
import { renderInputOf, webVersionOf } from "./content.js";
import { parseIssueId } from "./drafts.js";
import { type ArchiveEntry, archivePage, type FeedEntry, notFoundPage, rssFeed } from "./render/archive.js";
import { prepareIssue, renderOptions, utmFor, webUrlOf } from "./render/index.js";

/** How many of the newest issues the feed carries. */
export const FEED_ISSUES = 20;

const site = (ctx: Ctx) => ({
  publicBaseUrl: ctx.config.publicBaseUrl,
  newsletterName: ctx.config.newsletterName,
  lang: ctx.config.newsletterLang,
  timeZone: ctx.config.newsletterTz,
});

async function sentEntries(ctx: Ctx): Promise<(ArchiveEntry & { number: number })[]> {
  const recs = await ctx.store.issues.listByStatus("sent");
  return recs.map((r) => ({
    number: r.number,
    title: r.title,
    sentAt: r.sentAt ?? r.updatedAt,
    url: webUrlOf(ctx.config.publicBaseUrl, r.number),
  }));
}

export async function archiveListPage(ctx: Ctx): Promise<string> {
  return archivePage(await sentEntries(ctx), site(ctx));
}

export async function archiveFeed(ctx: Ctx): Promise<string> {
  const entries = (await sentEntries(ctx)).slice(0, FEED_ISSUES);
  const opts = renderOptions(ctx.config);
  const withContent: FeedEntry[] = await Promise.all(
    entries.map(async (entry) => {
      const rec = await ctx.store.issues.mustGet(entry.number);
      return {
        ...entry,
        content: prepareIssue(await renderInputOf(ctx, rec), utmFor(opts, "rss", rec.number), opts),
      };
    }),
  );
  return rssFeed(withContent, site(ctx));
}

/** The web version of issue `param`, or null for a draft, an unknown number or a malformed one. */
export async function publicIssuePage(ctx: Ctx, param: string): Promise<string | null> {
  try {
    return await webVersionOf(ctx, parseIssueId(param));
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

export const archiveNotFoundPage = (ctx: Ctx): string => notFoundPage(site(ctx));
