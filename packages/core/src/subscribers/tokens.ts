/**
 * Signed tokens for the links in mail: confirm a subscription, unsubscribe. A token is
 * `<purpose>.<subscriberId>.<expiry base36>.<mac>`, URL-safe as it stands: the MAC is
 * HMAC-SHA256 over the first three parts with a key derived from SIGNING_SECRET, cut to
 * 128 bits, base64url. Nothing is stored: the signature is the proof.
 *
 * Confirm tokens expire after a week (a pending address is a claim nobody has proven);
 * unsubscribe tokens last a year, because an old issue's link must keep working.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type TokenPurpose = "confirm" | "unsubscribe";

export const TOKEN_TTL_SECONDS: Record<TokenPurpose, number> = {
  confirm: 7 * 24 * 60 * 60,
  unsubscribe: 365 * 24 * 60 * 60,
};

const PURPOSE_CODE: Record<TokenPurpose, string> = { confirm: "c", unsubscribe: "u" };
const ID = /^[a-z0-9]{1,64}$/;
const EXP = /^[a-z0-9]{1,11}$/;
const MAC = /^[A-Za-z0-9_-]{22}$/;

export type TokenProblem = "malformed" | "bad_signature" | "expired" | "wrong_purpose";

/** Why a token was refused; the public routes answer 400 with a page that says it. */
export class TokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(
      {
        malformed: "This link is incomplete or damaged.",
        bad_signature: "This link is not valid.",
        expired: "This link has expired.",
        wrong_purpose: "This link is meant for something else.",
      }[problem],
    );
    this.name = "TokenError";
  }
}

function mac(secret: string, body: string): string {
  if (!secret) throw new Error("SIGNING_SECRET is not set: cannot sign or check mail links");
  return createHmac("sha256", `mail-token:${secret}`)
    .update(body)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}

export interface TokenInput {
  purpose: TokenPurpose;
  subscriberId: string;
  now: Date;
  /** Defaults to TOKEN_TTL_SECONDS[purpose]. */
  ttlSeconds?: number;
}

export function signToken(secret: string, t: TokenInput): string {
  if (!ID.test(t.subscriberId)) throw new Error(`not a subscriber id: ${t.subscriberId}`);
  const expires = Math.floor(t.now.getTime() / 1000) + (t.ttlSeconds ?? TOKEN_TTL_SECONDS[t.purpose]);
  const body = `${PURPOSE_CODE[t.purpose]}.${t.subscriberId}.${expires.toString(36)}`;
  return `${body}.${mac(secret, body)}`;
}

export interface VerifiedToken {
  purpose: TokenPurpose;
  subscriberId: string;
  expiresAt: Date;
}

/**
 * Checks a token's signature (constant-time), then its purpose and expiry. Throws a
 * TokenError; the signature is checked first so a forged token learns nothing else.
 */
export function verifyToken(
  secret: string,
  token: unknown,
  expected: TokenPurpose,
  now: Date,
): VerifiedToken {
  if (typeof token !== "string" || token.length > 200) throw new TokenError("malformed");
  const parts = token.split(".");
  if (parts.length !== 4) throw new TokenError("malformed");
  const [code, id, exp, sig] = parts as [string, string, string, string];
  const purpose = (Object.keys(PURPOSE_CODE) as TokenPurpose[]).find((p) => PURPOSE_CODE[p] === code);
  if (!purpose || !ID.test(id) || !EXP.test(exp) || !MAC.test(sig)) throw new TokenError("malformed");
  const expectedMac = Buffer.from(mac(secret, `${code}.${id}.${exp}`));
  const given = Buffer.from(sig);
  if (given.length !== expectedMac.length || !timingSafeEqual(given, expectedMac))
    throw new TokenError("bad_signature");
  if (purpose !== expected) throw new TokenError("wrong_purpose");
  const expiresAt = new Date(Number.parseInt(exp, 36) * 1000);
  if (expiresAt.getTime() <= now.getTime()) throw new TokenError("expired");
  return { purpose, subscriberId: id, expiresAt };
}
