/**
 * Issue drafts: numbering, editing while a draft, reading with delivery counts (DESIGN.md
 * "Assemble" and the issue routes of the HTTP contract).
 */

import type { NewsletterLang } from "../config.js";
import type { Ctx } from "../context.js";
import { singleLineProblem, stripControls } from "../control-chars.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { DeliveryCounts, DeliveryState, Issue, IssueSection, Item, ItemKind } from "../model/index.js";
import { type DraftFields, type IssueRecord, ZERO_DELIVERY } from "../store/issues.js";

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
  /** Sections pre-filled from the selected items that no other draft holds (`draftFromSelection`). */
  fromSelected?: boolean;
}

/** PATCH: only the fields given change; the others keep their value. */
export type DraftPatch = DraftInput;

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
  // Everything that can be a 400 is checked before a number is taken.
  const given = line(input.title, "title");
  const sections = input.fromSelected ? await sectionsFromSelection(ctx) : [];
  const now = ctx.now().toISOString();
  const intro = text(input.intro);
  const rec = await ctx.store.issues.createNext((n) => {
    const title = given || defaultTitle(ctx, n);
    return {
      id: String(n),
      number: n,
      title,
      subject: title,
      intro,
      status: "draft",
      sections,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
    };
  });
  return toIssue(rec, { ...ZERO_DELIVERY });
}

/** Headings of the sections of items that name none, by kind, in the newsletter's language. */
export const DEFAULT_SECTION_HEADINGS: Record<NewsletterLang, Record<ItemKind, string>> = {
  en: { article: "Articles", release: "Releases", competition: "Competitions", link: "Links" },
  ja: { article: "記事", release: "リリース", competition: "コンペ", link: "リンク" },
};

/** Pages of selected items read for a draft: far more than one issue can hold. */
const MAX_SELECTION_PAGES = 20;

/**
 * The sections of a draft made from the selection: every `selected` item that no other draft
 * holds, grouped by its `section` (an item without one goes under its kind's default heading),
 * in the order the editor selected them (`selectedAt`, else `discoveredAt` for items selected
 * before it was recorded): the sections in the order of their first item. Past the limits of an
 * issue (100 items, 20 sections) the later items are left out and stay selected. 400 naming
 * `fromSelected` when there is nothing to put in.
 */
export async function sectionsFromSelection(ctx: Ctx): Promise<IssueSection[]> {
  const selected: Item[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_SELECTION_PAGES; page++) {
    const r = await ctx.store.items.list({ status: "selected", limit: 100, cursor });
    selected.push(...r.items);
    cursor = r.nextCursor;
    if (!cursor) break;
  }
  const inDrafts = new Set(
    (await ctx.store.issues.listByStatus("draft")).flatMap((d) => d.sections.flatMap((s) => s.itemIds)),
  );
  // ISO-8601 UTC times (toISOString): string order is time order; the id breaks ties.
  const orderOf = (i: Item) => `${i.selectedAt ?? i.discoveredAt}#${i.id}`;
  const free = [...new Map(selected.map((i) => [i.id, i])).values()]
    .filter((i) => !inDrafts.has(i.id))
    .sort((a, b) => (orderOf(a) < orderOf(b) ? -1 : 1));
  if (free.length === 0) {
    throw new ValidationError(
      "fromSelected",
      inDrafts.size
        ? "no selected item is left that another draft does not already hold"
        : "no item is selected: select candidates first",
    );
  }
  const headings = DEFAULT_SECTION_HEADINGS[ctx.config.newsletterLang];
  const sections = new Map<string, IssueSection>();
  let count = 0;
  for (const item of free) {
    if (count === ISSUE_LIMITS.items) break;
    const heading = (item.section?.trim() || headings[item.kind]).slice(0, ISSUE_LIMITS.heading);
    let section = sections.get(heading);
    if (!section) {
      if (sections.size === ISSUE_LIMITS.sections) continue;
      section = { heading, itemIds: [] };
      sections.set(heading, section);
    }
    section.itemIds.push(item.id);
    count++;
  }
  return [...sections.values()];
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

/** Sections as given, checked and normalised (400 naming the field), their items checked too. */
async function checkedSections(ctx: Ctx, input: IssueSection[]): Promise<IssueSection[]> {
  const sections = input.map((s, i) => {
    const body = text(s.body);
    return {
      heading: line(s.heading, `sections.${i}.heading`),
      ...(body ? { body } : {}),
      itemIds: [...s.itemIds],
    };
  });
  await checkIssueItems(ctx, sections);
  return sections;
}

/** The draft `n`, or 404 / 409 (the state is the first problem, before the body is looked at). */
async function mustBeDraft(ctx: Ctx, n: number) {
  const current = await ctx.store.issues.mustGet(n);
  if (current.status !== "draft") throw new ConflictError(`issue ${n} is ${current.status}, not draft`);
  return current;
}

/** Replaces title, subject, intro and sections of a draft; 404 unknown, 409 once it is sending or sent. */
export async function updateDraft(ctx: Ctx, n: number, input: DraftInput): Promise<Issue> {
  await mustBeDraft(ctx, n);
  const title = line(input.title, "title") || defaultTitle(ctx, n);
  const subject = line(input.subject, "subject") || title;
  const sections = await checkedSections(ctx, input.sections ?? []);
  // Conditional on "draft" again: a send that started meanwhile wins (409).
  const rec = await ctx.store.issues.replaceDraft(
    n,
    { title, subject, intro: text(input.intro), sections },
    ctx.now().toISOString(),
  );
  return toIssue(rec, { ...ZERO_DELIVERY });
}

/**
 * Changes only the fields given of a draft (title, subject, intro, sections); the others keep
 * their value. An empty title is the default title, an empty subject the title. The write sets
 * only those fields (conditioned on the issue still being a draft), so edits of different fields
 * made at once never undo each other; a subject left empty takes the title as read, and is
 * refused (409) if the title changed meanwhile. 404 unknown, 409 once it is no longer a draft.
 */
export async function patchDraft(ctx: Ctx, n: number, input: DraftPatch): Promise<Issue> {
  const current = await mustBeDraft(ctx, n);
  const fields: Partial<DraftFields> = {};
  const expect: Partial<Pick<DraftFields, "title">> = {};
  if (input.title !== undefined) fields.title = line(input.title, "title") || defaultTitle(ctx, n);
  if (input.subject !== undefined) {
    fields.subject = line(input.subject, "subject");
    if (!fields.subject) {
      fields.subject = fields.title ?? current.title;
      if (fields.title === undefined) expect.title = current.title;
    }
  }
  if (input.intro !== undefined) fields.intro = text(input.intro);
  if (input.sections !== undefined) fields.sections = await checkedSections(ctx, input.sections);
  if (Object.keys(fields).length === 0) return toIssue(current, { ...ZERO_DELIVERY }); // nothing to change
  const rec = await ctx.store.issues.patchDraft(n, fields, ctx.now().toISOString(), expect);
  return toIssue(rec, { ...ZERO_DELIVERY });
}

/**
 * Deletes a draft: 404 unknown, 409 once it is sending, paused or sent. Its items keep their
 * status. Its number is given back when no newer draft was numbered since (so deleting the draft
 * just made lets the next one take its number); a sent issue's number is never reused.
 */
export async function deleteDraft(ctx: Ctx, n: number): Promise<void> {
  // Gone already answers 404, but its number goes back all the same: a delete whose answer was
  // lost and that the SDK sent again finds the draft gone, and the number would be skipped.
  const gone = await ctx.store.issues.removeDraft(n).then(
    () => undefined,
    (e: unknown) => {
      if (e instanceof NotFoundError) return e;
      throw e;
    },
  );
  const givenBack = await ctx.store.issues.releaseNumber(n);
  if (gone) throw gone;
  ctx.log.info(givenBack ? "draft deleted, number given back" : "draft deleted", { issue: n });
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
