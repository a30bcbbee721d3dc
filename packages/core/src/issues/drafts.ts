/**
 * Issue drafts: numbering, editing while a draft, reading with delivery counts (DESIGN.md
 * "Assemble" and the issue routes of the HTTP contract).
 */
import type { Ctx } from "../context.js";
import { singleLineProblem, stripControls } from "../control-chars.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { DeliveryCounts, DeliveryState, Issue, IssueSection } from "../model/index.js";
import { type IssueRecord, ZERO_DELIVERY } from "../store/issues.js";

/** Sizes the API enforces (schemas/issues.ts) and core checks where it has to look at items. */
export const ISSUE_LIMITS = {
  title: 200,
  subject: 200,
  intro: 20_000,
  heading: 200,
  body: 20_000,
  sections: 20,
  /** Items across all sections. */
  items: 100,
} as const;

export interface NewDraft {
  title?: string;
  intro?: string;
}

/** PUT replaces every editable field: what is left out returns to its default. */
export interface DraftInput {
  title?: string;
  subject?: string;
  intro?: string;
  sections?: IssueSection[];
}

export const defaultTitle = (ctx: Ctx, n: number): string => `${ctx.config.newsletterName} #${n}`;

/** An issue id is its number as a string; anything else names no issue. */
export function parseIssueId(id: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(id)) throw new NotFoundError("issue", id);
  return Number(id);
}

/** A single-line field (it reaches the Subject header and `<title>`): trimmed, or a 400 naming it. */
function line(s: string | undefined, field: string): string {
  const problem = singleLineProblem(s ?? "");
  if (problem) throw new ValidationError(field, problem);
  return (s ?? "").trim();
}

/** Multi-line text: control characters stripped, trimmed. */
const text = (s: string | undefined): string => stripControls(s ?? "").trim();

export async function createDraft(ctx: Ctx, input: NewDraft = {}): Promise<Issue> {
  const n = await ctx.store.issues.nextNumber();
  const now = ctx.now().toISOString();
  const title = line(input.title, "title") || defaultTitle(ctx, n);
  const rec = await ctx.store.issues.create({
    id: String(n),
    number: n,
    title,
    subject: title,
    intro: text(input.intro),
    status: "draft",
    sections: [],
    createdAt: now,
    updatedAt: now,
    sentAt: null,
  });
  return toIssue(rec, { ...ZERO_DELIVERY });
}

/**
 * Checks the items of the sections: every id must name an item that is not rejected and appear
 * once in the issue. A 400 names each offending id by its place (`sections.0.itemIds.2`). Run on
 * every PUT, and again before a draft is previewed, test-mailed or sent: an item rejected or
 * removed after it was put in the draft must not go out.
 */
export async function checkIssueItems(ctx: Ctx, sections: IssueSection[]): Promise<void> {
  const problems: { field: string; message: string }[] = [];
  const seen = new Map<string, string>();
  let count = 0;
  for (const [i, s] of sections.entries()) {
    for (const [j, id] of s.itemIds.entries()) {
      const field = `sections.${i}.itemIds.${j}`;
      count++;
      const first = seen.get(id);
      if (first) problems.push({ field, message: `item ${id} is already in the issue at ${first}` });
      else seen.set(id, field);
    }
  }
  if (count > ISSUE_LIMITS.items) {
    throw new ValidationError("sections", `at most ${ISSUE_LIMITS.items} items per issue, got ${count}`);
  }
  const items = await ctx.store.items.getMany([...seen.keys()]);
  for (const [id, field] of seen) {
    const item = items.get(id);
    if (!item) problems.push({ field, message: `unknown item ${id}` });
    else if (item.status === "rejected")
      problems.push({
        field,
        message: `item ${id} is rejected: remove it from the issue or select it again`,
      });
  }
  if (problems.length) {
    problems.sort((a, b) => a.field.localeCompare(b.field, "en", { numeric: true }));
    const [first, ...more] = problems;
    throw new ValidationError(first!.field, first!.message, more);
  }
}

/** Replaces title, subject, intro and sections of a draft; 404 unknown, 409 once it is sending or sent. */
export async function updateDraft(ctx: Ctx, n: number, input: DraftInput): Promise<Issue> {
  // A non-draft is refused before its body is looked at: the state is the first problem.
  const current = await ctx.store.issues.mustGet(n);
  if (current.status !== "draft") throw new ConflictError(`issue ${n} is ${current.status}, not draft`);
  const title = line(input.title, "title") || defaultTitle(ctx, n);
  const subject = line(input.subject, "subject") || title;
  const sections = (input.sections ?? []).map((s, i) => {
    const body = text(s.body);
    return {
      heading: line(s.heading, `sections.${i}.heading`),
      ...(body ? { body } : {}),
      itemIds: [...s.itemIds],
    };
  });
  await checkIssueItems(ctx, sections);
  // Conditional on "draft" again: a send that started meanwhile wins (409).
  const rec = await ctx.store.issues.replaceDraft(
    n,
    { title, subject, intro: text(input.intro), sections },
    ctx.now().toISOString(),
  );
  return toIssue(rec, { ...ZERO_DELIVERY });
}

/** Counts kept by issues sent before `ambiguous` existed read as zero ambiguous. */
function contractCounts(c: Omit<DeliveryCounts, "ambiguous"> & { ambiguous?: number }): DeliveryCounts {
  return { total: c.total, sent: c.sent, failed: c.failed, pending: c.pending, ambiguous: c.ambiguous ?? 0 };
}

const IDLE = { paused: null, lastError: null };

/**
 * Zeros for a draft, the final counts kept on a sent issue (with nothing waiting to be resent),
 * else counted from its deliveries now, with why it is paused and what last went wrong.
 */
async function deliveryOf(ctx: Ctx, rec: IssueRecord): Promise<DeliveryState> {
  if (rec.status === "draft") return { ...ZERO_DELIVERY, ...IDLE };
  if (rec.status === "sent" && rec.delivery && rec.delivery.pending === 0)
    return { ...contractCounts(rec.delivery), ...IDLE };
  const { counts, lastError } = await ctx.store.deliveries.progress(rec.number);
  return {
    ...contractCounts(counts),
    paused: rec.status === "paused" ? (rec.pause ?? null) : null,
    lastError,
  };
}

export function toIssue(rec: IssueRecord, delivery: DeliveryCounts | DeliveryState): Issue {
  return {
    id: rec.id,
    number: rec.number,
    title: rec.title,
    subject: rec.subject,
    intro: rec.intro ?? "",
    status: rec.status,
    sections: rec.sections ?? [],
    createdAt: rec.createdAt,
    updatedAt: rec.updatedAt,
    sentAt: rec.sentAt ?? null,
    delivery: { paused: null, lastError: null, ...delivery },
  };
}

export async function getIssue(ctx: Ctx, n: number): Promise<Issue> {
  const rec = await ctx.store.issues.mustGet(n);
  return toIssue(rec, await deliveryOf(ctx, rec));
}

/** Every issue, newest first. */
export async function listIssues(ctx: Ctx): Promise<Issue[]> {
  const recs = await ctx.store.issues.list();
  return Promise.all(recs.map(async (rec) => toIssue(rec, await deliveryOf(ctx, rec))));
}
