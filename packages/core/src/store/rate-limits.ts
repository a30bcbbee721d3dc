/**
 * Fixed-window rate limits in the table: one `RATE#<bucket>` record per bucket holding a count
 * and the end of its window (`expiresAt`, epoch seconds: the TTL attribute, so AWS deletes old
 * windows; dynalite has no TTL, so every condition also checks it). Only conditional writes,
 * no read-then-write: two racing requests cannot both take the last slot.
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors.js";
import type { Db } from "./client.js";
import { keys } from "./keys.js";
import { TTL_ATTRIBUTE } from "./table.js";

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function rateLimitsRepo(db: Db) {
  const countInWindow = async (bucket: string, rule: RateLimit, now: number): Promise<boolean> => {
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.rateLimit(bucket),
          UpdateExpression: "ADD #c :one",
          ConditionExpression: "attribute_exists(pk) AND #e > :now AND #c < :limit",
          ExpressionAttributeNames: { "#c": "count", "#e": TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ":one": 1, ":now": now, ":limit": rule.limit },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  };

  const openWindow = async (bucket: string, rule: RateLimit, now: number): Promise<boolean> => {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...keys.rateLimit(bucket), count: 1, [TTL_ATTRIBUTE]: now + rule.windowSeconds },
          ConditionExpression: "attribute_not_exists(pk) OR #e <= :now",
          ExpressionAttributeNames: { "#e": TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ":now": now },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
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
  };
}

export type RateLimitsRepo = ReturnType<typeof rateLimitsRepo>;
