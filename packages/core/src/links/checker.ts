/**
 * Checking many links at once: each URL once, a few at a time, under one overall budget (a preview
 * or a send request must answer), through the table's cache so a link checked within the hour is
 * not fetched again by any instance.
 */
import type { Ctx } from "../context.js";
import type { LinkCheck } from "../store/link-checks.js";
import { mapLimit } from "../util/concurrency.js";
import { checkLink } from "./check.js";

export interface LinkCheckOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** Each request (HEAD, then GET), redirects included. */
  timeoutMs: number;
  /** All the checks of one call; links not done by then are reported as not checked (and not cached). */
  budgetMs: number;
  /** How long a check holds (the cache's lifetime). */
  ttlMs: number;
}

export const LINK_CHECK_DEFAULTS: LinkCheckOptions = {
  concurrency: 4,
  timeoutMs: 8_000,
  // Below API Gateway's 30 s: the preview and the send request wait for the checks.
  budgetMs: 20_000,
  ttlMs: 60 * 60 * 1000,
};

/** Whether a stored check still holds at `now`. */
export const isFresh = (check: LinkCheck, now: Date, ttlMs: number): boolean =>
  now.getTime() - Date.parse(check.checkedAt) < ttlMs;

/** The cached checks of `urls` that still hold, by URL (no fetching). */
export async function cachedChecks(
  ctx: Ctx,
  urls: readonly string[],
  ttlMs = LINK_CHECK_DEFAULTS.ttlMs,
): Promise<Map<string, LinkCheck>> {
  const now = ctx.now();
  const stored = await ctx.store.linkChecks.getMany(urls);
  return new Map([...stored].filter(([, c]) => isFresh(c, now, ttlMs)));
}

/** Every URL's check, by URL: from the cache when it holds, else fetched now (and cached). */
export async function checkLinks(
  ctx: Ctx,
  urls: readonly string[],
  options: Partial<LinkCheckOptions> = {},
): Promise<Map<string, LinkCheck>> {
  const o = { ...LINK_CHECK_DEFAULTS, ...options };
  const unique = [...new Set(urls)];
  const results = await cachedChecks(ctx, unique, o.ttlMs);
  const todo = unique.filter((u) => !results.has(u));
  if (todo.length === 0) return results;

  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), o.budgetMs);
  let fresh: { check: LinkCheck; cut: boolean }[];
  try {
    fresh = await mapLimit(todo, o.concurrency, async (url) => {
      const outcome = await checkLink(ctx.fetch, url, { timeoutMs: o.timeoutMs, signal: budget.signal });
      const check = { url, ...outcome, checkedAt: ctx.now().toISOString() };
      return { check, cut: budget.signal.aborted && outcome.status === "error" };
    });
  } finally {
    clearTimeout(timer);
  }
  // A link the budget cut short was not checked: the next preview tries it again.
  const finished = fresh.filter((f) => !f.cut).map((f) => f.check);
  if (finished.length) await ctx.store.linkChecks.putMany(finished, Math.ceil(o.ttlMs / 1000));
  for (const { check } of fresh) results.set(check.url, check);
  return results;
}
