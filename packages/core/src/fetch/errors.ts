export type FetchErrorCode =
  | "bad_url"
  | "bad_scheme"
  | "blocked_address"
  | "dns"
  | "connect_timeout"
  | "timeout"
  | "aborted"
  | "too_large"
  | "too_many_redirects"
  | "http_status"
  | "rate_limited"
  | "network"
  | "decompression";

/**
 * Every failure of the fetch module. `message` names the URL or host because it is shown to the
 * editor as a source's `lastError`; `code` is what code branches on.
 */
export class FetchError extends Error {
  override name = "FetchError";
  readonly code: FetchErrorCode;
  /** The URL of the hop that failed (after redirects). */
  readonly url: string;
  /** The HTTP status, for `http_status` and `rate_limited`. */
  readonly status?: number;
  /** From Retry-After, for `rate_limited` (absent when the server gave none). */
  readonly retryAfterMs?: number;

  constructor(
    code: FetchErrorCode,
    message: string,
    info: { url: string; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.code = code;
    this.url = info.url;
    if (info.status !== undefined) this.status = info.status;
    if (info.retryAfterMs !== undefined) this.retryAfterMs = info.retryAfterMs;
  }
}

export function isFetchError(err: unknown, code?: FetchErrorCode): err is FetchError {
  return err instanceof FetchError && (code === undefined || err.code === code);
}
