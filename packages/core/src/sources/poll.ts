/**
 * Polling: which sources are due, and one poll of one source (adapter → store candidates →
 * schedule the next poll). A source's own failure (unreachable, not a feed, refused credentials)
 * is recorded on the source (`lastError`, `consecutiveFailures`, a backed-off `nextPollAt`) and
 * never thrown; only infrastructure failures (the table) are, so a queue consumer retries them.
 * No source is ever disabled automatically: a failing one is retried at most a day apart.
 */
import type { Ctx } from "../context.js";
import { ConflictError, NotFoundError } from "../errors.js";
// From errors.js, not the fetch/index.js barrel: in a bundle split into chunks the barrel would
// bring the fetcher (and ipaddr.js), which loads on the first fetch, into the import (runtime.ts).
import { isFetchError } from "../fetch/errors.js";
import type { RedirectHop } from "../fetch/index.js";
import { storeCandidates } from "../items/candidates.js";
import type { SourceRecord } from "../store/sources.js";
import { mapLimit } from "../util/concurrency.js";
import { type AdapterResult, adapters } from "./adapters/index.js";
import { cleanCandidate, nameFromTitle } from "./clean.js";
import { pollHealth } from "./health.js";
import { FEED_NAME_MAX, nameSourceOf, naturalKey } from "./manage.js";
import { redirectStep } from "./redirect.js";
import { nextPollAt } from "./schedule.js";

export interface PollResult {
  sourceId: string;
  status: "ok" | "not_modified" | "error";
  newItems: number;
  error?: string;
}

/** Sources polled at once by `pollDue` (each poll also bounds its own writes). */
export const POLL_CONCURRENCY = 16;
const MAX_ERROR_LENGTH = 500;

async function dueSources(ctx: Ctx, opts: { all?: boolean }): Promise<SourceRecord[]> {
  const now = ctx.now().toISOString();
  const sources = opts.all ? await ctx.store.sources.list() : await ctx.store.sources.listDue(now);
  return sources.filter((s) => s.enabled);
}

/** Ids of the sources to poll now: enabled and due (`all`: every enabled source). */
export async function dueSourceIds(ctx: Ctx, opts: { all?: boolean } = {}): Promise<string[]> {
  return (await dueSources(ctx, opts)).map((s) => s.id);
}

/**
 * Polls the due sources (`all`: every enabled one) with bounded concurrency, from the records the
 * due-index Query returned (no second read per source).
 */
export async function pollDue(ctx: Ctx, opts: { all?: boolean } = {}): Promise<PollResult[]> {
  const sources = await dueSources(ctx, opts);
  return mapLimit(sources, POLL_CONCURRENCY, (source) => pollRecord(ctx, source));
}

/**
 * Polls one source now. An unknown id (a deleted source's queued job) is a no-op with a log line,
 * or a NotFoundError with `mustExist` (the API's 404).
 */
export async function pollSource(
  ctx: Ctx,
  sourceId: string,
  opts: { mustExist?: boolean } = {},
): Promise<PollResult> {
  const source = await ctx.store.sources.get(sourceId);
  if (!source) {
    if (opts.mustExist) throw new NotFoundError("source", sourceId);
    ctx.log.info("poll skipped: no such source", { sourceId });
    return { sourceId, status: "error", newItems: 0, error: "source not found" };
  }
  return pollRecord(ctx, source);
}

function errorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg || "unknown error").slice(0, MAX_ERROR_LENGTH);
}

const sameList = (a: readonly string[] | undefined, b: readonly string[]) =>
  !!a && a.length === b.length && a.every((v, i) => v === b[i]);

async function pollRecord(ctx: Ctx, source: SourceRecord): Promise<PollResult> {
  const now = ctx.now();
  let outcome: AdapterResult;
  try {
    const adapter = adapters[source.kind];
    if (!adapter) throw new Error(`unknown source kind "${source.kind}"`);
    outcome = await adapter.poll(ctx, source);
  } catch (e) {
    // Adapters only fetch and parse: whatever they throw is this source's failure.
    const error = errorMessage(e);
    const retryAfterMs = isFetchError(e, "rate_limited") ? e.retryAfterMs : undefined;
    const stack = e instanceof Error && !isKnownFailure(e) ? { stack: e.stack } : {};
    return recordFailure(ctx, source, now, error, { retryAfterMs, log: stack });
  }

  const success = {
    lastPolledAt: now.toISOString(),
    lastSuccessAt: now.toISOString(),
    consecutiveFailures: 0,
    lastError: null,
    etag: outcome.validators.etag ?? null,
    lastModified: outcome.validators.lastModified ?? null,
    nextPollAt: nextPollAt({
      now,
      intervalMinutes: source.intervalMinutes,
      failures: 0,
      maxAgeSeconds: outcome.maxAgeSeconds,
    }),
  };
  if (outcome.notModified) {
    const moved = await followRedirects(ctx, source, outcome.redirectChain, now);
    // The document is the one last read: its warning, if any, still holds (unless a move says more).
    await save(ctx, source.id, { ...success, ...moved.patch, lastWarning: moved.warning ?? undefined });
    return { sourceId: source.id, status: "not_modified", newItems: 0 };
  }
  const healthOf = (skipped: number) =>
    pollHealth({
      found: outcome.entries.length + outcome.skipped,
      skipped: outcome.skipped + skipped,
      unreadItems: outcome.unreadItems,
    });
  let moved: Awaited<ReturnType<typeof followRedirects>> | undefined;
  /** The source's update after a good read: what it stored, the feed's warnings, its new name. */
  const update = async (stored: { seen: string[]; skipped: number }) => {
    const health = healthOf(stored.skipped);
    if ("failure" in health) return undefined;
    moved ??= await followRedirects(ctx, source, outcome.redirectChain, now);
    const warnings = [health.warning, moved.warning].filter(Boolean);
    const patch = {
      ...success,
      ...moved.patch,
      lastSkipped: outcome.skipped + stored.skipped,
      // A clean read clears the warning of an earlier one.
      lastWarning: warnings.length > 0 ? warnings.join(" ") : null,
      // The memory is rewritten only when it changed: an unchanged feed keeps the update small.
      seen: sameList(source.seen, stored.seen) ? undefined : stored.seen,
    } as Partial<SourceRecord>;
    return { patch, adoptName: feedName(source, outcome.title) };
  };
  const stored = await storeCandidates(ctx, source, outcome.entries.map(cleanCandidate), {
    // A poll that found new entries writes them and its source's state in one transaction.
    sourceUpdate: async (r) => {
      const u = await update(r);
      return u && ctx.store.sources.updateAction(source.id, u.patch, u.adoptName);
    },
  });
  if (!stored.sourceWritten) {
    const u = await update(stored);
    // Entries there, none usable: nothing was read, so the source is failing, not "ok" with 0 items.
    if (!u) {
      const health = healthOf(stored.skipped);
      return recordFailure(ctx, source, now, "failure" in health ? health.failure : "no usable entry");
    }
    await save(ctx, source.id, u.patch, u.adoptName);
  }
  if (stored.newItemIds.length > 0 || stored.linkedItemIds.length > 0) {
    ctx.log.info("polled", {
      sourceId: source.id,
      newItems: stored.newItemIds.length,
      linked: stored.linkedItemIds.length,
    });
  }
  return { sourceId: source.id, status: "ok", newItems: stored.newItemIds.length };
}

/** Records a failed poll: the error, one more failure, and the backed-off next poll. */
async function recordFailure(
  ctx: Ctx,
  source: SourceRecord,
  now: Date,
  error: string,
  opts: { retryAfterMs?: number; log?: Record<string, unknown> } = {},
): Promise<PollResult> {
  const failures = (source.consecutiveFailures ?? 0) + 1;
  ctx.log.warn("poll failed", { sourceId: source.id, error, failures, ...opts.log });
  await save(ctx, source.id, {
    lastPolledAt: now.toISOString(),
    consecutiveFailures: failures,
    lastError: error,
    nextPollAt: nextPollAt({
      now,
      intervalMinutes: source.intervalMinutes,
      failures,
      retryAfterMs: opts.retryAfterMs,
    }),
  });
  return { sourceId: source.id, status: "error", newItems: 0, error };
}

/**
 * A feed's permanent redirects (sources/redirect.ts): the fields to write, and a warning when the
 * new address is one another source already polls (the source then stays where it is).
 */
async function followRedirects(
  ctx: Ctx,
  source: SourceRecord,
  chain: RedirectHop[] | undefined,
  now: Date,
): Promise<{ patch: Record<string, unknown>; warning?: string }> {
  // Only a feed's URL is what it polls; other kinds derive theirs from a repository or a query.
  if (source.kind !== "feed" || !source.url) return { patch: {} };
  const step = redirectStep(source.pendingMove, chain, now.toISOString());
  if (step.kind === "none") return { patch: {} };
  if (step.kind === "pending") return { patch: { pendingMove: step.pendingMove } };
  const nk = naturalKey("feed", { url: step.to });
  try {
    await ctx.store.sources.rekey(source.id, source.naturalKey, nk);
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    return {
      patch: {},
      warning: `This feed permanently redirects (301/308) to ${step.to}, which another source already polls: delete one of the two sources.`,
    };
  }
  ctx.log.info("source moved", { sourceId: source.id, from: source.url, to: step.to });
  return {
    patch: {
      url: step.to,
      naturalKey: nk,
      movedFrom: source.url,
      movedAt: now.toISOString(),
      pendingMove: null,
    },
  };
}

/**
 * The name a feed source takes from its feed's title, unless the editor named it
 * (sources/manage.ts): written with the poll's state, in the same update.
 */
function feedName(
  source: SourceRecord,
  title: string | null | undefined,
): { name: string; expected: string } | undefined {
  if (source.kind !== "feed" || nameSourceOf(source) === "editor") return undefined;
  const name = nameFromTitle(title, FEED_NAME_MAX);
  if (!name || (name === source.name && source.nameSource === "feed")) return undefined;
  return { name, expected: source.name };
}

/** Failures whose message says it all (no stack needed in the log). */
function isKnownFailure(e: Error): boolean {
  return ["FetchError", "FeedError", "SourceError"].includes(e.name);
}

/** Writes poll state; a source deleted while it was polled stays deleted (its items stay too). */
async function save(
  ctx: Ctx,
  id: string,
  patch: Record<string, unknown>,
  adoptName?: { name: string; expected: string },
): Promise<void> {
  try {
    // null removes an attribute (validators the server no longer sends, a cleared error).
    await ctx.store.sources.update(id, patch as Partial<SourceRecord>, { adoptName });
  } catch (e) {
    if (e instanceof NotFoundError) {
      ctx.log.info("source deleted while it was polled", { sourceId: id });
      return;
    }
    throw e;
  }
}
