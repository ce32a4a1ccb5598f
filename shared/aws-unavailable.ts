/**
 * Errors that mean "an AWS service did not answer in time, or is too busy right now" — after the SDK
 * has spent its own attempts (shared/sdk-client-budget.ts). Nothing is known to have changed, so the
 * client is told to retry (503, Retry-After) with the same Idempotency-Key.
 */

/** Service error names: throttling, the service's own 5xx, and the SDK's timeouts. */
const UNAVAILABLE_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "TooManyRequestsException",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  // NodeHttpHandler's connection, request and socket timeouts.
  "TimeoutError",
  // KMS's own names for a stalled or failing dependency.
  "DependencyTimeoutException",
  "KMSInternalException",
]);

/** Socket failures Node reports by code, with name "Error": the connection broke before an answer. */
const UNAVAILABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EAI_AGAIN",
]);

export interface UnavailableCause {
  /** The error's name or socket code; safe to log (never the message, which may quote a key or value). */
  reason: string;
  /** SDK attempts spent, when the SDK reports them. */
  attempts?: number;
}

/** What made an AWS call fail transiently, or undefined for any other error. */
export function awsUnavailableCause(error: unknown): UnavailableCause | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { name, code, $metadata, $fault } = error as {
    name?: unknown;
    code?: unknown;
    $metadata?: { attempts?: unknown; httpStatusCode?: unknown };
    $fault?: unknown;
  };
  const attempts = typeof $metadata?.attempts === "number" ? { attempts: $metadata.attempts } : {};
  if (typeof name === "string" && UNAVAILABLE_NAMES.has(name)) return { reason: name, ...attempts };
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return { reason: code, ...attempts };
  // Any other 5xx the service marks as its own fault (e.g. a 503 without a modelled name).
  const status = $metadata?.httpStatusCode;
  if ($fault === "server" && typeof status === "number" && status >= 500) {
    return { reason: typeof name === "string" ? name : `HTTP ${status}`, ...attempts };
  }
  return undefined;
}
