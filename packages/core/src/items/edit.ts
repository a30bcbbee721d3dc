/**
 * The editor's changes to a candidate (`PATCH /api/items/:id`): status (new ↔ selected ↔
 * rejected; "used" belongs to sending), comment, section, and overrides of title, description
 * and image. Every write is conditioned on what was read, so a concurrent change (another tab,
 * the sender marking the item used, unfurling filling a field) is never silently overwritten.
 */
import type { Ctx } from "../context.js";
import { singleLineProblem, stripControls } from "../control-chars.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { Item, ItemStatus } from "../model/index.js";
import type { ItemPatch } from "../store/items.js";
import { collapseWhitespace } from "../text/index.js";
import { checkHttpUrl } from "../url/check.js";

export const MAX_COMMENT_LENGTH = 2000;
export const MAX_SECTION_LENGTH = 100;
export const MAX_TITLE_LENGTH = 500;
export const MAX_DESCRIPTION_LENGTH = 2000;

/** Statuses the editor may set; "used" is set by sending an issue. */
export const EDITOR_STATUSES: readonly ItemStatus[] = ["new", "selected", "rejected"];

export interface ItemEdit {
  status?: ItemStatus;
  /** Plain text or a small markdown subset (rendered by the issue renderer); null clears. */
  comment?: string | null;
  section?: string | null;
  title?: string;
  description?: string | null;
  imageUrl?: string | null;
}

/** Multi-line text: line breaks normalised, control characters stripped, trimmed, length-checked; empty means "clear". */
function multiline(value: string | null, field: string, max: number): string | null {
  if (value === null) return null;
  const v = stripControls(value).trim();
  if (v.length > max) throw new ValidationError(field, `at most ${max} characters`);
  return v === "" ? null : v;
}

/** One-line text: whitespace collapsed, length-checked; empty means "clear". */
function oneLine(value: string | null, field: string, max: number): string | null {
  if (value === null) return null;
  // Line breaks are collapsed here (the API refuses them before); other controls are refused.
  const problem = singleLineProblem(value.replace(/[\r\n\u2028\u2029]/g, " "));
  if (problem) throw new ValidationError(field, problem);
  const v = collapseWhitespace(value);
  if (v.length > max) throw new ValidationError(field, `at most ${max} characters`);
  return v === "" ? null : v;
}

/** Validates an edit into a store patch (400 naming the field); `undefined` fields stay as they are. */
export function checkItemEdit(edit: ItemEdit): ItemPatch {
  const patch: ItemPatch = {};
  if (edit.status !== undefined) {
    if (edit.status === "used")
      throw new ValidationError("status", '"used" is set by sending an issue, not by the editor');
    if (!EDITOR_STATUSES.includes(edit.status))
      throw new ValidationError("status", `must be one of ${EDITOR_STATUSES.join(", ")}`);
    patch.status = edit.status;
  }
  if (edit.comment !== undefined) patch.comment = multiline(edit.comment, "comment", MAX_COMMENT_LENGTH);
  if (edit.section !== undefined) patch.section = oneLine(edit.section, "section", MAX_SECTION_LENGTH);
  if (edit.title !== undefined) {
    const title = typeof edit.title === "string" ? oneLine(edit.title, "title", MAX_TITLE_LENGTH) : null;
    if (title === null) throw new ValidationError("title", "must not be empty");
    patch.title = title;
  }
  if (edit.description !== undefined) {
    patch.description = multiline(edit.description, "description", MAX_DESCRIPTION_LENGTH);
    // The editor's words are never replaced by a page's or shortened for the card.
    patch.descriptionSource = patch.description === null ? null : "editor";
  }
  if (edit.imageUrl !== undefined) {
    patch.imageUrl =
      edit.imageUrl === null || edit.imageUrl.trim() === "" ? null : checkHttpUrl(edit.imageUrl, "imageUrl");
  }
  return patch;
}

const MAX_ATTEMPTS = 5;

/**
 * Applies an edit: 400 for bad input, 404 for an unknown id, 409 for a status change of a used
 * item. Retries on a concurrent change (re-reading, so the rules are checked against the newest
 * state) and answers 409 if the item keeps changing under it.
 */
export async function editItem(ctx: Ctx, id: string, edit: ItemEdit): Promise<Item> {
  let patch = checkItemEdit(edit);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await ctx.store.items.get(id);
    if (!current) throw new NotFoundError("item", id);
    if (patch.status !== undefined && patch.status !== current.status && current.status === "used") {
      throw new ConflictError(`item ${id} was used in an issue; its status cannot change`);
    }
    if (patch.status === current.status) patch = { ...patch, status: undefined };
    // The moment it is selected orders it in a draft made from the selection (drafts.ts); the
    // store forgets it when the item leaves "selected".
    let write: ItemPatch =
      patch.status === "selected" ? { ...patch, selectedAt: ctx.now().toISOString() } : patch;
    // A new picture: the hosted copy of the old one goes, the new one is made by the unfurl job.
    const newPicture = patch.imageUrl !== undefined && patch.imageUrl !== current.imageUrl;
    if (newPicture) write = { ...write, thumbnail: null, thumbnailAt: null, thumbnailError: null };
    const updated = await ctx.store.items.update(current, write);
    if (updated) {
      if (newPicture && updated.imageUrl) await ctx.jobs.enqueue("unfurl", { itemId: id });
      return updated;
    }
  }
  throw new ConflictError(`item ${id} changed while it was being edited; try again`);
}

/**
 * Marks items as used by a sent issue (the sender calls this; the editor cannot). Items that are
 * gone are skipped; returns the ids that were marked.
 */
export async function markItemsUsed(ctx: Ctx, ids: readonly string[]): Promise<string[]> {
  const marked: string[] = [];
  for (const id of new Set(ids)) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await ctx.store.items.get(id);
      if (!current) break;
      if (current.status === "used" || (await ctx.store.items.update(current, { status: "used" }))) {
        marked.push(id);
        break;
      }
    }
  }
  return marked;
}
