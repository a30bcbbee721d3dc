/**
 * Domain errors. Core code throws these; the API maps them to the HTTP contract's status codes
 * (DESIGN.md "HTTP contract") and Lambda consumers decide whether to retry.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 404 | 409 | 413 | 429 | 502 | 503,
    readonly details?: { field: string; message: string }[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(field: string, message: string, more: { field: string; message: string }[] = []) {
    super("invalid_request", `${field}: ${message}`, 400, [{ field, message }, ...more]);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super("not_found", `${what} ${id} not found`, 404);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = "conflict") {
    super(code, message, 409);
  }
}

export class RateLimitedError extends DomainError {
  constructor(message = "too many requests") {
    super("rate_limited", message, 429);
  }
}

export const isConditionalCheckFailed = (e: unknown): boolean =>
  (e as { name?: string } | null)?.name === "ConditionalCheckFailedException";
