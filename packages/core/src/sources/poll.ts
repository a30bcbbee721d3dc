/**
 * Polling: which sources are due, and one poll of one source (fetch → parse → store candidates
 * → schedule the next poll). Issue #3 fills this in.
 */
import type { Ctx } from "../context.js";

export interface PollResult {
  sourceId: string;
  status: "ok" | "not_modified" | "error";
  newItems: number;
  error?: string;
}

/** Ids of the sources to poll now: enabled and due (`all`: every enabled source). */
export async function dueSourceIds(ctx: Ctx, opts: { all?: boolean } = {}): Promise<string[]> {
  const now = ctx.now().toISOString();
  const sources = opts.all ? await ctx.store.sources.list() : await ctx.store.sources.listDue(now);
  return sources.filter((s) => s.enabled).map((s) => s.id);
}

/** Polls one source now. Never throws for a source's own failure: that is recorded on the source. */
export async function pollSource(_ctx: Ctx, sourceId: string): Promise<PollResult> {
  return { sourceId, status: "error", newItems: 0, error: "polling is not implemented yet" };
}
