/** Reading the response headers the fetcher acts on (miniflux's response_handler, in small functions). */
import type { IncomingHttpHeaders } from "node:http";

/** Lower-case names; repeated headers joined with ", " (Set-Cookie included: we keep no cookies). */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long the response may be reused, in seconds: Cache-Control max-age, else Expires relative
 * to the response's Date (or `now`). An invalid Expires means "already expired" (RFC 9111 §5.3).
 */
export function parseMaxAge(headers: Record<string, string>, now: number): number | undefined {
  const cc = headers["cache-control"];
  const m = cc ? /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/i.exec(cc) : null;
  if (m) return Number(m[1]);
  const expires = headers.expires;
  if (expires === undefined) return undefined;
  const at = Date.parse(expires);
  if (Number.isNaN(at)) return 0;
  const date = headers.date ? Date.parse(headers.date) : Number.NaN;
  return Math.max(0, Math.floor((at - (Number.isNaN(date) ? now : date)) / 1000));
}
