/**
 * Editor authentication: `Authorization: Bearer <EDITOR_TOKEN>`, or the session cookie the web
 * page gets by logging in with the same token. Comparisons are constant-time (on digests, so the
 * lengths never leak either). The cookie holds an HMAC of an expiry, never the token itself.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { errorBody } from "../../errors.js";

export const SESSION_COOKIE = "wkn_session";
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

const digest = (s: string) => createHash("sha256").update(s).digest();

export function tokenMatches(given: string, expected: string): boolean {
  if (!expected) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

function sessionMac(token: string, expires: number): string {
  return createHmac("sha256", `session:${token}`).update(String(expires)).digest("base64url");
}

/** A session cookie value valid until `now + ttl`. */
export function issueSession(token: string, nowMs: number, ttlSeconds = SESSION_TTL_SECONDS): string {
  const expires = Math.floor(nowMs / 1000) + ttlSeconds;
  return `${expires}.${sessionMac(token, expires)}`;
}

export function sessionValid(value: string | undefined, token: string, nowMs: number): boolean {
  if (!value || !token) return false;
  const [exp, mac] = value.split(".");
  const expires = Number(exp);
  if (!mac || !Number.isInteger(expires) || expires * 1000 < nowMs) return false;
  return timingSafeEqual(digest(mac), digest(sessionMac(token, expires)));
}

export interface EditorAuthOptions {
  /** The editor token; an empty token locks every route (misconfiguration fails closed). */
  token: string;
  now?: () => number;
}

/**
 * @example app.use("/api/*", editorAuth({ token: config.editorToken }))
 */
export const editorAuth = (options: EditorAuthOptions): MiddlewareHandler => {
  const now = options.now ?? Date.now;
  return async function editorAuth(c, next) {
    const header = c.req.header("authorization");
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    const ok =
      bearer !== undefined
        ? tokenMatches(bearer, options.token)
        : sessionValid(getCookie(c, SESSION_COOKIE), options.token, now());
    if (!ok) {
      c.header("WWW-Authenticate", 'Bearer realm="editor"');
      return c.json(errorBody("unauthorized", "missing or invalid editor token"), 401);
    }
    await next();
  };
};
