/**
 * The error body of the HTTP contract: `{"error": {"code", "message", "details?"}}`, and the
 * mapping of domain errors and Hono's own HTTP errors onto it.
 */
import { DomainError, type ErrorKind } from "@wkn/core/errors";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}

export function errorBody(
  code: string,
  message: string,
  details?: { field: string; message: string }[],
): ErrorBody {
  return { error: { code, message, ...(details?.length ? { details } : {}) } };
}

const CODE_BY_STATUS: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

/** The HTTP status of each kind of domain error: the one place core's errors become statuses. */
export const STATUS_OF_KIND: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
};

export function onError(err: Error, c: Context, log: (e: Error) => void) {
  if (err instanceof DomainError) {
    return c.json(errorBody(err.code, err.message, err.details), STATUS_OF_KIND[err.kind]);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const message = err.message || (status === 400 ? "malformed request" : "request failed");
    return c.json(
      errorBody(
        CODE_BY_STATUS[status] ?? "error",
        message,
        status === 400 ? [{ field: "body", message }] : undefined,
      ),
      status as ContentfulStatusCode,
    );
  }
  log(err);
  return c.json(errorBody("internal", "internal error"), 500);
}

/** zod issues → contract details: the dotted path of the offending field, or the part of the request. */
export function zodDetails(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  target: string,
): { field: string; message: string }[] {
  return issues.map((i) => ({
    field: i.path.length ? i.path.map(String).join(".") : target,
    message: i.message,
  }));
}
