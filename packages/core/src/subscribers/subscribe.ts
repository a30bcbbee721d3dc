/**
 * The public subscription flows (DESIGN.md step 9, "Contract details: Subscribers"): subscribe
 * with double opt-in, confirm, unsubscribe. Callers learn nothing about an address's state from
 * `subscribe` (the route answers 202 whatever happened); the outcome is returned for logs and tests.
 */
import type { Ctx } from "../context.js";
import { RateLimitedError, ValidationError } from "../errors.js";
import { composeMessage, fromAddress } from "../mail/compose.js";
import { sendRaw } from "../mail/ses.js";
import type { Subscriber } from "../model/index.js";
import type { RateLimit } from "../store/rate-limits.js";
import { checkAddress, subscriberIdOf } from "./address.js";
import { confirmationMail } from "./confirmation-mail.js";
import { confirmLink } from "./links.js";
import { verifyToken } from "./tokens.js";

export interface SubscribeLimits {
  /** Subscribe requests per client (IP address). Over it: 429. */
  client: RateLimit;
  /** Confirmation attempts per address. Over it: the same 202, nothing sent. */
  address: RateLimit;
}

export const SUBSCRIBE_LIMITS: SubscribeLimits = {
  client: { limit: 10, windowSeconds: 60 * 60 },
  address: { limit: 3, windowSeconds: 24 * 60 * 60 },
};

/** 429 with the seconds until the client's window reopens (the route sends Retry-After). */
export class SubscribeRateLimitedError extends RateLimitedError {
  constructor(readonly retryAfterSeconds: number) {
    super("too many subscribe requests from this client; try again later");
  }
}

export type SubscribeOutcome =
  | "confirmation_sent"
  | "already_active"
  | "suppressed"
  | "address_rate_limited"
  | "send_failed";

export interface SubscribeRequest {
  email: unknown;
  /** Who asks: the client IP (or another stable client key). */
  client: string;
}

/**
 * Starts a subscription: a new, pending or unsubscribed address becomes pending and gets a
 * confirmation mail; an active one changes nothing; a suppressed one is never re-activated.
 * Throws SubscribeRateLimitedError (per client) and ValidationError (field `email`).
 */
export async function subscribe(
  ctx: Ctx,
  req: SubscribeRequest,
  limits: SubscribeLimits = SUBSCRIBE_LIMITS,
): Promise<{ outcome: SubscribeOutcome; subscriberId: string }> {
  const now = ctx.now();
  const byClient = await ctx.store.rateLimits.hit(
    `subscribe-client:${req.client}`,
    limits.client,
    now.getTime(),
  );
  if (!byClient.allowed) throw new SubscribeRateLimitedError(byClient.retryAfterSeconds);

  const check = checkAddress(req.email);
  if (!check.ok) throw new ValidationError("email", check.reason);
  const email = check.email;
  const id = subscriberIdOf(email);

  // Counted before the state is read, whatever the state: the limit itself must not tell.
  const byAddress = await ctx.store.rateLimits.hit(`subscribe-address:${id}`, limits.address, now.getTime());
  if (!byAddress.allowed) return { outcome: "address_rate_limited", subscriberId: id };

  const nowIso = now.toISOString();
  let pending: Subscriber | undefined;
  for (let attempt = 0; attempt < 3 && !pending; attempt++) {
    const current = await ctx.store.subscribers.get(id);
    if (!current) {
      const fresh: Subscriber = {
        id,
        email,
        status: "pending",
        createdAt: nowIso,
        updatedAt: nowIso,
        confirmedAt: null,
        unsubscribedAt: null,
        suppressedAt: null,
        suppressedReason: null,
        source: "subscribe",
      };
      if (await ctx.store.subscribers.createIfAbsent(fresh)) pending = fresh;
      continue; // created meanwhile by someone else: read it again
    }
    if (current.status === "active") return { outcome: "already_active", subscriberId: id };
    if (current.status === "suppressed") return { outcome: "suppressed", subscriberId: id };
    pending = await ctx.store.subscribers.transition(id, ["pending", "unsubscribed"], {
      status: "pending",
      updatedAt: nowIso,
    });
  }
  if (!pending) return { outcome: "send_failed", subscriberId: id };

  try {
    await sendConfirmation(ctx, pending);
    return { outcome: "confirmation_sent", subscriberId: id };
  } catch (e) {
    ctx.log.error("confirmation mail not sent", { subscriberId: id, error: e, errorName: (e as Error).name });
    return { outcome: "send_failed", subscriberId: id };
  }
}

/** Composes and sends the confirmation mail with a fresh confirm token; returns the SES MessageId. */
export async function sendConfirmation(ctx: Ctx, sub: Pick<Subscriber, "id" | "email">): Promise<string> {
  const content = confirmationMail(ctx.config, confirmLink(ctx, sub.id));
  const raw = await composeMessage({ from: fromAddress(ctx.config), to: sub.email, ...content });
  return sendRaw(ctx, raw, [sub.email]);
}

export type ConfirmOutcome = "confirmed" | "already_active" | "no_longer_valid";

/**
 * Confirms a pending subscription (pending → active). A second click is fine (already_active);
 * an address that was unsubscribed, suppressed or removed since is not re-activated by an old
 * link (no_longer_valid). Throws TokenError for a tampered, expired or wrong-purpose token.
 */
export async function confirmSubscription(ctx: Ctx, token: unknown): Promise<{ outcome: ConfirmOutcome }> {
  const now = ctx.now();
  const t = verifyToken(ctx.config.signingSecret, token, "confirm", now);
  const nowIso = now.toISOString();
  const done = await ctx.store.subscribers.transition(t.subscriberId, ["pending"], {
    status: "active",
    confirmedAt: nowIso,
    updatedAt: nowIso,
  });
  if (done) return { outcome: "confirmed" };
  const current = await ctx.store.subscribers.get(t.subscriberId);
  return { outcome: current?.status === "active" ? "already_active" : "no_longer_valid" };
}

/** The token checked for the unsubscribe page (GET): nothing changes. Throws TokenError. */
export function checkUnsubscribeToken(ctx: Ctx, token: unknown): { subscriberId: string } {
  return verifyToken(ctx.config.signingSecret, token, "unsubscribe", ctx.now());
}

export type UnsubscribeOutcome = "unsubscribed" | "already_unsubscribed";

/**
 * Unsubscribes (active or pending → unsubscribed); idempotent: an address already
 * unsubscribed, suppressed or removed answers already_unsubscribed. Throws TokenError.
 */
export async function unsubscribe(ctx: Ctx, token: unknown): Promise<{ outcome: UnsubscribeOutcome }> {
  const { subscriberId } = checkUnsubscribeToken(ctx, token);
  const nowIso = ctx.now().toISOString();
  const done = await ctx.store.subscribers.transition(subscriberId, ["active", "pending"], {
    status: "unsubscribed",
    unsubscribedAt: nowIso,
    updatedAt: nowIso,
  });
  return { outcome: done ? "unsubscribed" : "already_unsubscribed" };
}
