/**
 * The editor's side of subscribers: add one (the editor vouches: active at once, no opt-in
 * mail), list by status, remove; and suppression, which bounce and complaint handling calls.
 * A suppressed address is never made active again by anything here.
 */
import type { Ctx } from "../context.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { Subscriber, SubscriberStatus } from "../model/index.js";
import { checkAddress, subscriberIdOf } from "./address.js";

export function newSubscriber(
  email: string,
  status: SubscriberStatus,
  source: Subscriber["source"],
  nowIso: string,
): Subscriber {
  return {
    id: subscriberIdOf(email),
    email,
    status,
    createdAt: nowIso,
    updatedAt: nowIso,
    confirmedAt: status === "active" ? nowIso : null,
    unsubscribedAt: status === "unsubscribed" ? nowIso : null,
    suppressedAt: status === "suppressed" ? nowIso : null,
    suppressedReason: null,
    source,
  };
}

/**
 * Adds an address as active. 409 `duplicate` when it is already active, 409 `suppressed` when
 * it bounced or complained (it stays suppressed). A pending or unsubscribed address becomes
 * active: the editor adding one address by hand is the explicit consent an import is not.
 */
export async function addSubscriber(ctx: Ctx, rawEmail: unknown): Promise<Subscriber> {
  const check = checkAddress(rawEmail);
  if (!check.ok) throw new ValidationError("email", check.reason);
  const nowIso = ctx.now().toISOString();
  const sub = newSubscriber(check.email, "active", "editor", nowIso);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await ctx.store.subscribers.createIfAbsent(sub)) return sub;
    const current = await ctx.store.subscribers.get(sub.id);
    if (!current) continue; // removed meanwhile: try the create again
    if (current.status === "active")
      throw new ConflictError(`${current.email} is already subscribed`, "duplicate");
    if (current.status === "suppressed") {
      throw new ConflictError(
        `${current.email} is suppressed after a bounce or complaint and cannot be subscribed again`,
        "suppressed",
      );
    }
    const done = await ctx.store.subscribers.transition(sub.id, ["pending", "unsubscribed"], {
      status: "active",
      confirmedAt: nowIso,
      updatedAt: nowIso,
      source: "editor",
    });
    if (done) return done;
  }
  throw new ConflictError(`${sub.email} changed while being added; try again`);
}

export interface SubscriberListQuery {
  status: SubscriberStatus;
  limit: number;
  cursor?: string | null;
  /** Part of the address, any case: only addresses containing it. */
  q?: string;
}

export const MAX_SUBSCRIBER_QUERY_LENGTH = 320;

/**
 * One page of subscribers in a status, newest first; with `q`, those whose address contains it
 * (case-insensitive: addresses are stored lower-cased). A search page may come back short with a
 * `nextCursor` to continue (the store reads a bounded number of index pages per request).
 */
export async function listSubscribers(ctx: Ctx, query: SubscriberListQuery) {
  const q = query.q?.trim().toLowerCase() || undefined;
  if (q && q.length > MAX_SUBSCRIBER_QUERY_LENGTH)
    throw new ValidationError("q", `at most ${MAX_SUBSCRIBER_QUERY_LENGTH} characters`);
  return ctx.store.subscribers.list({ ...query, q });
}

/** How many subscribers each status holds (`active` is who an issue is sent to). */
export async function countSubscribers(ctx: Ctx): Promise<Record<SubscriberStatus, number>> {
  return ctx.store.subscribers.counts();
}

export async function getSubscriber(ctx: Ctx, id: string): Promise<Subscriber> {
  const sub = await ctx.store.subscribers.get(id);
  if (!sub) throw new NotFoundError("subscriber", id);
  return sub;
}

/**
 * Removes a subscriber. A suppressed one is kept (409): its record is what stops the address
 * from being mailed or subscribed again.
 */
export async function removeSubscriber(ctx: Ctx, id: string): Promise<void> {
  const removed = await ctx.store.subscribers.remove(id, ["suppressed"]);
  if (removed) return;
  const current = await ctx.store.subscribers.get(id);
  if (!current) throw new NotFoundError("subscriber", id);
  throw new ConflictError(
    `${current.email} is suppressed after a bounce or complaint; the record is kept so it is never mailed again`,
    "suppressed",
  );
}

/**
 * Suppresses an address for good (a permanent bounce or a complaint), whether or not it is a
 * subscriber: an unknown address gets a suppressed record, so a later subscribe or import
 * cannot add it. Returns false when it was suppressed already; unparseable addresses are ignored.
 */
export async function suppressAddress(ctx: Ctx, rawEmail: string, reason: string): Promise<boolean> {
  const check = checkAddress(rawEmail);
  if (!check.ok) {
    ctx.log.warn("suppression for an address we cannot parse", { email: rawEmail, reason: check.reason });
    return false;
  }
  const nowIso = ctx.now().toISOString();
  const sub = { ...newSubscriber(check.email, "suppressed", "feedback", nowIso), suppressedReason: reason };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await ctx.store.subscribers.createIfAbsent(sub)) return true;
    const done = await ctx.store.subscribers.transition(sub.id, ["pending", "active", "unsubscribed"], {
      status: "suppressed",
      suppressedAt: nowIso,
      suppressedReason: reason,
      updatedAt: nowIso,
    });
    if (done) return true;
    const current = await ctx.store.subscribers.get(sub.id);
    if (current?.status === "suppressed") return false;
  }
  throw new Error(`could not suppress ${check.email}: it kept changing`);
}
