/**
 * Opaque pagination cursors. A cursor carries DynamoDB's LastEvaluatedKey and the partition it
 * belongs to, HMAC-signed, so a client can neither forge one nor replay it against another
 * partition (it would read keys of a partition the query did not ask for).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { ValidationError } from "../errors.js";

export function encodeCursor(
  secret: string,
  scope: string,
  lastKey: Record<string, unknown> | undefined,
): string | null {
  if (!lastKey) return null;
  const body = Buffer.from(JSON.stringify({ s: scope, k: lastKey })).toString("base64url");
  return `${body}.${sign(secret, body)}`;
}

export function decodeCursor(
  secret: string,
  scope: string,
  cursor: string | undefined | null,
): Record<string, unknown> | undefined {
  if (cursor === undefined || cursor === null || cursor === "") return undefined;
  const [body, sig] = cursor.split(".");
  if (!body || !sig) throw new ValidationError("cursor", "malformed cursor");
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ValidationError("cursor", "invalid cursor");
  }
  let parsed: { s?: unknown; k?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    throw new ValidationError("cursor", "malformed cursor");
  }
  if (parsed.s !== scope || typeof parsed.k !== "object" || parsed.k === null) {
    throw new ValidationError("cursor", "cursor does not belong to this query");
  }
  return parsed.k as Record<string, unknown>;
}

function sign(secret: string, body: string): string {
  return createHmac("sha256", `cursor:${secret}`).update(body).digest("base64url").slice(0, 32);
}
