/**
 * The public subscription flows (DESIGN.md step 9, "Contract details: Subscribers"): subscribe
 * with double opt-in, confirm, unsubscribe. A `/subscribe` request only checks the client's limit
 * and the address's form, then enqueues a confirm job (./confirm-job.ts) that does the rest: the
 * request does the same work whatever the address's state, so neither its answer nor its timing
 * tells whether an address is known.
 */
import type { Ctx } from "../context.js";
import { RateLimitedError, ValidationError } from "../errors.js";
import type { RateLimit } from "../store/rate-limits.js";
import { checkAddress, subscriberIdOf } from "./address.js";
import { verifyToken } from "./tokens.js";

export interface SubscribeLimits {
  /** Subscribe requests per client (IP address). Over it: 429. */
  client: RateLimit;
  /** Confirmation attempts per address (counted by the confirm job). Over it: nothing sent. */
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

export interface SubscribeRequest {
  email: unknown;
  /** Who asks: the client IP (or another stable client key). */
  client: string;
}

/**
 * Takes a subscribe request: counts it against the client (SubscribeRateLimitedError), checks
 * the address (ValidationError, field `email`) and enqueues one confirm job with the normalised
 * address. Reads and writes nothing of the address.
 */
export async function requestSubscription(
  ctx: Ctx,
  req: SubscribeRequest,
  limits: Pick<SubscribeLimits, "client"> = SUBSCRIBE_LIMITS,
): Promise<{ subscriberId: string }> {
  const byClient = await ctx.store.rateLimits.hit(
    `subscribe-client:${req.client}`,
    limits.client,
    ctx.now().getTime(),
  );
  if (!byClient.allowed) throw new SubscribeRateLimitedError(byClient.retryAfterSeconds);
  const check = checkAddress(req.email);
  if (!check.ok) throw new ValidationError("email", check.reason);
  await ctx.jobs.enqueue("confirm", { email: check.email });
  return { subscriberId: subscriberIdOf(check.email) };
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
