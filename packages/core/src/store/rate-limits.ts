/**
 * Fixed-window rate limits in the table: one `RATE#<bucket>` record per bucket holding a count
 * and the end of its window (`expiresAt`, epoch seconds: the TTL attribute, so AWS deletes old
 * windows; dynalite has no TTL, so every condition also checks it). Only conditional writes:
 * two racing requests cannot both take the last slot.
 *
 * A bucket is used either with `hit` (count a request) or with attempts (count an attempt that
 * must be finished exactly once, the confirm job's mail): `claimAttempt` counts one and holds it
 * for a lease in the same write, `endAttempt` keeps it counted, gives it back, or releases it for
 * a retry of the same job, which resumes it without counting again.
 */
import { GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./client.js";
import { conditionally } from "./conditional.js";
import { keys } from "./keys.js";
import { TTL_ATTRIBUTE } from "./table.js";

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type AttemptClaim =
  /** Held by the caller: counted now, or (`resumed`) counted by a run that released it. */
  | { claimed: true; resumed: boolean }
  | { claimed: false; reason: "limited"; retryAfterSeconds: number }
  /** Another run holds the open attempt. */
  | { claimed: false; reason: "held" }
  /** Its holder let the lease lapse (died mid-attempt): now closed, still counted, outcome unknown. */
  | { claimed: false; reason: "abandoned" };

/** keep: done, stays counted; refund: done, given back; release: open for a retry to resume. */
export type AttemptEnd = "keep" | "refund" | "release";

/** `attempt` holds the holder's id, or FREE when released; absent when no attempt is open. */
const FREE = "free";
const NAMES = { "#c": "count", "#e": TTL_ATTRIBUTE, "#a": "attempt", "#u": "heldUntil" };

export function rateLimitsRepo(db: Db) {
  const countInWindow = async (bucket: string, rule: RateLimit, now: number): Promise<boolean> => {
    return conditionally(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.rateLimit(bucket),
          UpdateExpression: "ADD #c :one",
          ConditionExpression: "attribute_exists(pk) AND #e > :now AND #c < :limit",
          ExpressionAttributeNames: { "#c": "count", "#e": TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ":one": 1, ":now": now, ":limit": rule.limit },
        }),
      ),
    );
  };

  const openWindow = async (bucket: string, rule: RateLimit, now: number): Promise<boolean> => {
    return conditionally(
      db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...keys.rateLimit(bucket), count: 1, [TTL_ATTRIBUTE]: now + rule.windowSeconds },
          ConditionExpression: "attribute_not_exists(pk) OR #e <= :now",
          ExpressionAttributeNames: { "#e": TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ":now": now },
        }),
      ),
    );
  };

  /** A conditional update; false when its condition failed. */
  const update = async (bucket: string, input: Omit<UpdateCommandInput, "TableName" | "Key">) => {
    return conditionally(
      db.doc.send(new UpdateCommand({ TableName: db.table, Key: keys.rateLimit(bucket), ...input })),
    );
  };

  /** The first attempt of a new window, held: the old window (if any) has ended and holds none. */
  const openWindowHeld = async (bucket: string, rule: RateLimit, now: number, held: Held) => {
    return conditionally(
      db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...keys.rateLimit(bucket),
            count: 1,
            [TTL_ATTRIBUTE]: now + rule.windowSeconds,
            attempt: held.holder,
            heldUntil: held.until,
          },
          ConditionExpression: "attribute_not_exists(pk) OR (#e <= :now AND attribute_not_exists(#a))",
          ExpressionAttributeNames: { "#e": TTL_ATTRIBUTE, "#a": "attempt" },
          ExpressionAttributeValues: { ":now": now },
        }),
      ),
    );
  };

  const claimOnce = async (
    bucket: string,
    rule: RateLimit,
    nowMs: number,
    held: Held,
  ): Promise<AttemptClaim | undefined> => {
    const now = Math.floor(nowMs / 1000);
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.rateLimit(bucket), ConsistentRead: true }),
    );
    const rec = r.Item;
    const open = rec?.attempt as string | undefined;
    const hold = { "#a": NAMES["#a"], "#u": NAMES["#u"] };
    if (open === FREE) {
      const taken = await update(bucket, {
        UpdateExpression: "SET #a = :h, #u = :u",
        ConditionExpression: "#a = :free",
        ExpressionAttributeNames: hold,
        ExpressionAttributeValues: { ":h": held.holder, ":u": held.until, ":free": FREE },
      });
      return taken ? { claimed: true, resumed: true } : undefined;
    }
    if (open) {
      if (Number(rec?.heldUntil ?? 0) > nowMs) return { claimed: false, reason: "held" };
      const closed = await update(bucket, {
        UpdateExpression: "REMOVE #a, #u",
        ConditionExpression: "#a = :h",
        ExpressionAttributeNames: hold,
        ExpressionAttributeValues: { ":h": open },
      });
      return closed ? { claimed: false, reason: "abandoned" } : undefined;
    }
    if (rule.limit < 1) return { claimed: false, reason: "limited", retryAfterSeconds: rule.windowSeconds };
    const ends = Number(rec?.[TTL_ATTRIBUTE] ?? 0);
    if (rec && ends > now) {
      if (Number(rec.count ?? 0) >= rule.limit) {
        return { claimed: false, reason: "limited", retryAfterSeconds: Math.max(1, ends - now) };
      }
      const counted = await update(bucket, {
        UpdateExpression: "ADD #c :one SET #a = :h, #u = :u",
        ConditionExpression:
          "attribute_exists(pk) AND #e > :now AND #c < :limit AND attribute_not_exists(#a)",
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ":one": 1,
          ":now": now,
          ":limit": rule.limit,
          ":h": held.holder,
          ":u": held.until,
        },
      });
      return counted ? { claimed: true, resumed: false } : undefined;
    }
    return (await openWindowHeld(bucket, rule, now, held)) ? { claimed: true, resumed: false } : undefined;
  };

  return {
    /** Counts one request against `bucket`; refuses it when the window's count is used up. */
    async hit(bucket: string, rule: RateLimit, nowMs: number): Promise<RateDecision> {
      if (rule.limit < 1) return { allowed: false, retryAfterSeconds: rule.windowSeconds };
      const now = Math.floor(nowMs / 1000);
      if (await countInWindow(bucket, rule, now)) return { allowed: true };
      if (await openWindow(bucket, rule, now)) return { allowed: true };
      // Someone else opened the window between our two writes: count in it once more.
      if (await countInWindow(bucket, rule, now)) return { allowed: true };
      const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.rateLimit(bucket) }));
      const ends = Number(r.Item?.[TTL_ATTRIBUTE] ?? now + rule.windowSeconds);
      return { allowed: false, retryAfterSeconds: Math.max(1, ends - now) };
    },

    /**
     * Opens an attempt held by `holder` until `nowMs + leaseMs`: resumes a released one (not
     * counted again), else counts a new one if the window has room. Each decision is a
     * conditional write on what was read; a lost race reads again.
     */
    async claimAttempt(
      bucket: string,
      rule: RateLimit,
      nowMs: number,
      holder: string,
      leaseMs: number,
    ): Promise<AttemptClaim> {
      if (holder === FREE) throw new Error(`"${FREE}" cannot hold an attempt`);
      for (let i = 0; i < 5; i++) {
        const claim = await claimOnce(bucket, rule, nowMs, { holder, until: nowMs + leaseMs });
        if (claim) return claim;
      }
      throw new Error(`rate limit ${bucket} kept changing while an attempt was claimed`);
    },

    /** Ends `holder`'s attempt (see AttemptEnd); false when it no longer holds it. */
    async endAttempt(bucket: string, holder: string, end: AttemptEnd): Promise<boolean> {
      const names = { "#a": NAMES["#a"], "#u": NAMES["#u"] };
      if (end === "keep") {
        return update(bucket, {
          UpdateExpression: "REMOVE #a, #u",
          ConditionExpression: "#a = :h",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ":h": holder },
        });
      }
      if (end === "release") {
        return update(bucket, {
          UpdateExpression: "SET #a = :free REMOVE #u",
          ConditionExpression: "#a = :h",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ":h": holder, ":free": FREE },
        });
      }
      return update(bucket, {
        UpdateExpression: "ADD #c :minus REMOVE #a, #u",
        ConditionExpression: "#a = :h AND #c > :zero",
        ExpressionAttributeNames: { ...names, "#c": NAMES["#c"] },
        ExpressionAttributeValues: { ":h": holder, ":minus": -1, ":zero": 0 },
      });
    },
  };
}

interface Held {
  holder: string;
  /** Epoch ms. */
  until: number;
}

export type RateLimitsRepo = ReturnType<typeof rateLimitsRepo>;
