/**
 * An issue's link report: its links checked (preview, send) or read from the checks cached within
 * the hour (`GET /api/issues/:id`), and the send's refusal of dead links.
 */
import type { Ctx } from "../../context.js";
import { DomainError } from "../../errors.js";
import { cachedChecks, checkLinks, type LinkCheckOptions } from "../../links/checker.js";
import type { Issue, LinkReportEntry } from "../../model/index.js";
import type { IssueRecord } from "../../store/issues.js";
import type { LinkCheck } from "../../store/link-checks.js";
import { getIssue } from "../drafts.js";
import { type IssueLink, issueLinks } from "./extract.js";

/** A report entry with the place of its link in the issue (for error details). */
export type PlacedEntry = LinkReportEntry & { place: string };

/** The links of an issue: a draft's from its items as they are now, a sent one's from its snapshot. */
async function linksOfRecord(ctx: Ctx, rec: IssueRecord): Promise<IssueLink[]> {
  const cards = rec.snapshot
    ? new Map(rec.snapshot.items.map((c) => [c.id, c]))
    : await ctx.store.items.getMany([...new Set(rec.sections.flatMap((s) => s.itemIds))]);
  return issueLinks({ intro: rec.intro ?? "", sections: rec.sections, cards });
}

function entryOf(link: IssueLink, check: LinkCheck | undefined): PlacedEntry {
  const base = { url: link.url, itemId: link.itemId, place: link.place };
  if (!check)
    return {
      ...base,
      status: "unchecked",
      httpStatus: null,
      reason: "not checked within the hour: previewing or sending checks it",
      finalUrl: null,
      checkedAt: null,
    };
  return {
    ...base,
    status: check.status,
    httpStatus: check.httpStatus,
    reason: check.reason,
    finalUrl: check.finalUrl,
    checkedAt: check.checkedAt,
  };
}

/** Checks every link of the issue now (or takes a check made within the hour). */
export async function checkIssueLinks(
  ctx: Ctx,
  rec: IssueRecord,
  options?: Partial<LinkCheckOptions>,
): Promise<PlacedEntry[]> {
  const links = await linksOfRecord(ctx, rec);
  const checks = await checkLinks(
    ctx,
    links.map((l) => l.url),
    options,
  );
  return links.map((l) => entryOf(l, checks.get(l.url)));
}

/** The report from the checks cached within the hour; a link without one is `unchecked`. Fetches nothing. */
export async function cachedLinkReport(ctx: Ctx, rec: IssueRecord): Promise<PlacedEntry[]> {
  const links = await linksOfRecord(ctx, rec);
  const checks = await cachedChecks(
    ctx,
    links.map((l) => l.url),
  );
  return links.map((l) => entryOf(l, checks.get(l.url)));
}

/** Drops the place: the contract's entry. */
export const publicEntry = ({ place: _place, ...entry }: PlacedEntry): LinkReportEntry => entry;

/** `GET /api/issues/:id`: the issue with its `linkReport`. */
export async function issueWithLinkReport(ctx: Ctx, n: number): Promise<Issue> {
  const issue = await getIssue(ctx, n);
  const rec = await ctx.store.issues.mustGet(n);
  return { ...issue, linkReport: (await cachedLinkReport(ctx, rec)).map(publicEntry) };
}

/** What stops a send: dead links and links that moved to another site. */
export const blocksSend = (e: LinkReportEntry): boolean => e.status === "dead" || e.status === "offsite";

const MESSAGE_LINKS = 10;

/** 409 `dead_links`, naming each link that stops the send, with its place in the issue. */
export class DeadLinksError extends DomainError {
  constructor(dead: PlacedEntry[]) {
    // Every one is in `details`; the message names the first few.
    const shown = dead.slice(0, MESSAGE_LINKS).map((e) => `${e.url} (${e.reason})`);
    const more = dead.length > MESSAGE_LINKS ? ` and ${dead.length - MESSAGE_LINKS} more` : "";
    const list = shown.join(", ") + more;
    super(
      "dead_links",
      `${dead.length} dead or moved link${dead.length === 1 ? "" : "s"}: ${list}. Fix or remove ${
        dead.length === 1 ? "it" : "them"
      }, or send with {"ignoreDeadLinks": true}`,
      "conflict",
      dead.map((e) => ({ field: e.place, message: `${e.url}: ${e.status}, ${e.reason}` })),
    );
  }
}

/** Checks the issue's links and refuses (409 `dead_links`) when any is dead or moved off-site. */
export async function refuseDeadLinks(
  ctx: Ctx,
  rec: IssueRecord,
  options?: Partial<LinkCheckOptions>,
): Promise<void> {
  const dead = (await checkIssueLinks(ctx, rec, options)).filter(blocksSend);
  if (dead.length) throw new DeadLinksError(dead);
}
