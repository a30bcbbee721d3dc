/**
 * Checking one link through the guarded fetcher: HEAD first, GET when the HEAD answer is an error
 * (many servers refuse HEAD with 405/501, some with 403/404, while GET works), then what the
 * answer means for a newsletter about to go out.
 */
import { type Fetcher, type FetchResult, isFetchError } from "../fetch/index.js";
import type { LinkCheck } from "../store/link-checks.js";
import { sameSite } from "./site.js";

export type LinkOutcome = Omit<LinkCheck, "url" | "checkedAt">;

export interface CheckOptions {
  /** Each request (HEAD, then GET), redirects included. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A GET reads at most this much of the page: the answer's status is all a check needs. */
const GET_MAX_BYTES = 256 * 1024;

const seconds = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;

/** The final URL when it differs from the link. */
const movedTo = (url: string, final: string) => (final === url ? null : final);

/** 2xx, possibly after redirects: ok, or moved off-site when the redirects left the site. */
function reached(url: string, final: string, httpStatus: number | null): LinkOutcome {
  if (!sameSite(url, final))
    return { status: "offsite", httpStatus, reason: `redirects to another site: ${final}`, finalUrl: final };
  return { status: "ok", httpStatus, reason: "reachable", finalUrl: movedTo(url, final) };
}

/** A failed fetch in words, and whether it counts against sending. */
function failed(url: string, err: unknown, timeoutMs: number): LinkOutcome {
  if (!isFetchError(err)) throw err;
  const final = err.url || url;
  const httpStatus = err.status ?? null;
  // Left the site on the way: whatever the other site did, readers do not get the page linked.
  if (final !== url && !sameSite(url, final)) {
    const answer = httpStatus ? ` (which answers ${httpStatus})` : "";
    return {
      status: "offsite",
      httpStatus,
      reason: `redirects to another site: ${final}${answer}`,
      finalUrl: final,
    };
  }
  const finalUrl = movedTo(url, final);
  switch (err.code) {
    case "http_status":
    case "rate_limited":
      if (httpStatus === 404 || httpStatus === 410)
        return {
          status: "dead",
          httpStatus,
          reason: `${httpStatus === 404 ? "404 Not Found" : "410 Gone"}`,
          finalUrl,
        };
      if (httpStatus !== null && httpStatus >= 500)
        return {
          status: "error",
          httpStatus,
          reason: `server error ${httpStatus}; not counted as dead`,
          finalUrl,
        };
      return {
        status: "error",
        httpStatus,
        reason: `refused with ${httpStatus} (often bot protection or a login); not counted as dead`,
        finalUrl,
      };
    case "dns":
      return {
        status: "dead",
        httpStatus: null,
        reason: `the host ${new URL(final).hostname} does not resolve`,
        finalUrl,
      };
    case "timeout":
    case "connect_timeout":
      return {
        status: "error",
        httpStatus: null,
        reason: `no answer within ${seconds(timeoutMs)}; not counted as dead`,
        finalUrl,
      };
    case "aborted":
      return {
        status: "error",
        httpStatus: null,
        reason: "not checked: the check ran out of time",
        finalUrl,
      };
    default:
      return { status: "error", httpStatus, reason: `${err.message}; not counted as dead`, finalUrl };
  }
}

/**
 * The outcome of one link. Never throws for what the link does (only for a bug): a 404/410 or a
 * host that does not resolve is `dead`, redirects to another site `offsite`, a timeout, a 5xx or
 * another refusal `error` (shown, never counted as dead), anything answering 2xx `ok`.
 */
export async function checkLink(fetch: Fetcher, url: string, opts: CheckOptions): Promise<LinkOutcome> {
  const base = { timeoutMs: opts.timeoutMs, signal: opts.signal, maxRetryWaitMs: 0 };
  let res: FetchResult;
  try {
    res = await fetch(url, { ...base, method: "HEAD" });
  } catch (headErr) {
    // Only an HTTP answer makes a GET worth it: a timeout or a DNS failure would repeat.
    if (!isFetchError(headErr, "http_status") && !isFetchError(headErr, "rate_limited"))
      return failed(url, headErr, opts.timeoutMs);
    try {
      res = await fetch(url, { ...base, method: "GET", maxBytes: GET_MAX_BYTES });
    } catch (getErr) {
      // A page larger than we read answered 2xx all the same.
      if (isFetchError(getErr, "too_large")) return reached(url, getErr.url || url, null);
      return failed(url, getErr, opts.timeoutMs);
    }
  }
  return reached(url, res.url, res.status);
}
