/**
 * Domain errors. Core code throws these with a `kind`, never an HTTP status: the API maps each
 * kind onto the HTTP contract's status in one table (packages/api/src/errors.ts), and job
 * runners ask `retryable` whether another attempt could succeed.
 */

/**
 * - invalid: the request is wrong (400); not_found (404); conflict: the state forbids it (409);
 * - too_large: more than the store can hold (413); rate_limited: too many requests (429);
 * - upstream: a service we depend on refused or failed (502); unavailable: try later (503).
 */
export type ErrorKind =
  | "invalid"
  | "not_found"
  | "conflict"
  | "too_large"
  | "rate_limited"
  | "upstream"
  | "unavailable";

/** Kinds that another attempt of the same job can get past (the rest fail the same way again). */
const RETRYABLE: ReadonlySet<ErrorKind> = new Set(["rate_limited", "upstream", "unavailable"]);

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind,
    readonly details?: { field: string; message: string }[],
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** Whether a job that failed with this error may succeed when retried. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

export class ValidationError extends DomainError {
  constructor(field: string, message: string, more: { field: string; message: string }[] = []) {
    super("invalid_request", `${field}: ${message}`, "invalid", [{ field, message }, ...more]);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super("not_found", `${what} ${id} not found`, "not_found");
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = "conflict") {
    super(code, message, "conflict");
  }
}

export class RateLimitedError extends DomainError {
  constructor(message = "too many requests") {
    super("rate_limited", message, "rate_limited");
  }
}

export const isConditionalCheckFailed = (e: unknown): boolean =>
  (e as { name?: string } | null)?.name === "ConditionalCheckFailedException";
