/**
 * The confirm job: a `/subscribe` request handled off the request path (on AWS through the confirm
 * queue and functions/confirm-worker.ts, locally through the in-process job runner).
 *
 * An active or suppressed address gets nothing and costs nothing. Otherwise one of the address's
 * daily attempts is counted and held (store/rate-limits.ts), the address becomes pending and the
 * confirmation mail goes out (./confirm-send.ts). How the attempt ends is what makes a retry safe:
 *
 * - accepted: kept.
 * - refused for this recipient (MessageRejected, an address SES cannot take): given back, so a
 *   mail that could not go out does not use up one of the address's attempts.
 * - SES still busy after a few tries, or an account fault: released, and the job throws; its retry
 *   resumes the same attempt without counting it again. An account fault's error says what to fix.
 * - ambiguous (the call went out, no answer came): kept, and neither retried nor thrown. SES may
 *   have taken the mail, and a second mail to an address nobody has confirmed is worse than none:
 *   its owner can ask again.
 * - a run that died holding the attempt (its lease lapsed, e.g. a retry after a crash mid-call):
 *   the next job for the address closes it as ambiguous and sends nothing, for the same reason. A
 *   job that finds the attempt held by a live run sends nothing either: that mail answers both.
 */
import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.js";
import { ValidationError } from "../errors.js";
import type { JobPayloads } from "../jobs/index.js";
import type { Subscriber } from "../model/index.js";
import type { AttemptEnd } from "../store/rate-limits.js";
import { checkAddress, subscriberIdOf } from "../subscribers/address.js";
import { newSubscriber } from "../subscribers/manage.js";
import { SUBSCRIBE_LIMITS } from "../subscribers/subscribe.js";
import type { AccountFaultCode } from "./ses-errors.js";

/** How long a run holds the address's attempt: longer than a run takes (the worker's timeout is 1 min). */
export const CONFIRM_LEASE_MS = 2 * 60_000;

/** The rate-limit bucket of an address's confirmation attempts. */
export const addressBucket = (subscriberId: string) => `subscribe-address:${subscriberId}`;

export type ConfirmJobOutcome =
  | "confirmation_sent"
  | "already_active"
  | "suppressed"
  | "address_rate_limited"
  | "recipient_refused"
  | "ambiguous"
  | "in_flight";

export interface ConfirmJobResult {
  outcome: ConfirmJobOutcome;
  subscriberId: string;
  messageId?: string;
  error?: string;
}

/** Thrown so that the job is retried later (SQS, the local runner); the message says why in words. */
export class ConfirmJobError extends Error {
  constructor(
    message: string,
    readonly kind: "account" | "transient",
    readonly code?: AccountFaultCode,
  ) {
    super(message);
    this.name = "ConfirmJobError";
  }
}

export async function runConfirmJob(ctx: Ctx, payload: JobPayloads["confirm"]): Promise<ConfirmJobResult> {
  const check = checkAddress(payload.email);
  if (!check.ok) throw new ValidationError("email", check.reason); // a retry cannot fix it
  const email = check.email;
  const subscriberId = subscriberIdOf(email);
  const done = (outcome: ConfirmJobOutcome): ConfirmJobResult => ({ outcome, subscriberId });

  const current = await ctx.store.subscribers.get(subscriberId);
  if (current?.status === "active") return done("already_active");
  if (current?.status === "suppressed") return done("suppressed");

  const rateLimits = ctx.store.rateLimits;
  const bucket = addressBucket(subscriberId);
  const holder = randomUUID();
  const claim = await rateLimits.claimAttempt(
    bucket,
    SUBSCRIBE_LIMITS.address,
    ctx.now().getTime(),
    holder,
    CONFIRM_LEASE_MS,
  );
  if (!claim.claimed) {
    if (claim.reason === "limited") return done("address_rate_limited");
    if (claim.reason === "held") return done("in_flight");
    ctx.log.warn("confirmation attempt of a run that died closed as ambiguous, not sent again", {
      subscriberId,
    });
    return done("ambiguous");
  }

  let end: AttemptEnd = "release"; // on a throw: the retry resumes this attempt
  try {
    const r = await attempt(ctx, email, subscriberId, current);
    end = r.end;
    return r.result;
  } finally {
    if (!(await rateLimits.endAttempt(bucket, holder, end)))
      ctx.log.warn("confirmation attempt no longer held when it ended", { subscriberId, end });
  }
}

async function attempt(
  ctx: Ctx,
  email: string,
  subscriberId: string,
  read: Subscriber | undefined,
): Promise<{ end: AttemptEnd; result: ConfirmJobResult }> {
  const state = await makePending(ctx, email, subscriberId, read);
  if (state !== "pending") return { end: "refund", result: { outcome: state, subscriberId } };

  // The mail's composition and sending (nodemailer's MailComposer, the template, the pacer) are
  // loaded by the first job that sends: an address that is active, suppressed, rate-limited or
  // in flight gets nothing and loads none of it (in the Lambda bundle, a chunk of its own).
  const { confirmationMessage, sendPaced } = await import("./confirm-send.js");
  const sent = await sendPaced(ctx, await confirmationMessage(ctx, { id: subscriberId, email }), email);
  if (sent.sent) {
    return { end: "keep", result: { outcome: "confirmation_sent", subscriberId, messageId: sent.messageId } };
  }
  const v = sent.verdict;
  switch (v.kind) {
    case "recipient":
      ctx.log.warn("confirmation mail refused for the recipient", { subscriberId, error: v.reason });
      return { end: "refund", result: { outcome: "recipient_refused", subscriberId, error: v.reason } };
    case "ambiguous":
      ctx.log.error("confirmation mail may or may not have been taken: not sent again", {
        subscriberId,
        error: v.reason,
      });
      return { end: "keep", result: { outcome: "ambiguous", subscriberId, error: v.reason } };
    case "account":
      throw new ConfirmJobError(`Confirmation mail not sent: ${v.reason}`, "account", v.code);
    case "transient":
      throw new ConfirmJobError(
        `Confirmation mail not sent yet: SES answered ${v.reason} ${sent.tries} times; the job is retried later.`,
        "transient",
      );
  }
}

/** New, pending or unsubscribed → pending; an address that became active or suppressed meanwhile stays so. */
async function makePending(
  ctx: Ctx,
  email: string,
  id: string,
  read: Subscriber | undefined,
): Promise<"pending" | "already_active" | "suppressed"> {
  const nowIso = ctx.now().toISOString();
  for (let i = 0; i < 3; i++) {
    const current = i === 0 ? read : await ctx.store.subscribers.get(id);
    if (!current) {
      if (await ctx.store.subscribers.createIfAbsent(newSubscriber(email, "pending", "subscribe", nowIso)))
        return "pending";
      continue; // created meanwhile by someone else: read it again
    }
    if (current.status === "active") return "already_active";
    if (current.status === "suppressed") return "suppressed";
    const pending = await ctx.store.subscribers.transition(id, ["pending", "unsubscribed"], {
      status: "pending",
      updatedAt: nowIso,
    });
    if (pending) return "pending";
  }
  throw new Error(`subscriber ${id} kept changing while it was made pending`);
}
