/**
 * Every failure a client may see is one of these. HTTP mapping lives in one place
 * (functions/http/problem.ts); anything else becomes an opaque 500.
 */

export interface FieldProblem {
  /** Dotted path of the offending input, e.g. "amount" or "query.limit". */
  field: string;
  reason: string;
}

export type ProblemKind =
  | "validation"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "customer-erased"
  | "gone"
  | "idempotency-key-reuse"
  | "export-too-large"
  | "too-many-requests"
  | "bad-gateway"
  | "unavailable";

export class DomainError extends Error {
  constructor(
    readonly kind: ProblemKind,
    message: string,
    /** Extra members of the problem body, shown to the client: keep them free of internals. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export class ValidationError extends DomainError {
  constructor(readonly fields: FieldProblem[]) {
    super("validation", "The request is not valid.", { errors: fields });
  }

  static field(field: string, reason: string): ValidationError {
    return new ValidationError([{ field, reason }]);
  }
}

export const notFound = (what: string) => new DomainError("not-found", `${what} was not found.`);
export const forbidden = (why: string) => new DomainError("forbidden", why);
export const unauthorized = (detail = "A valid bearer token is required.") =>
  new DomainError("unauthorized", detail);
export const conflict = (why: string, details: Record<string, unknown> = {}) =>
  new DomainError("conflict", why, details);

export class UnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("unavailable", message);
  }
}

/** A public endpoint's rate limit (shared/store/rate-limits.ts) is spent for this caller until the window ends. */
export class RateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super("too-many-requests", "Too many requests of this kind; try again later.");
  }
}
