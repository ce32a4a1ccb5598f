import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { DomainError, type ProblemKind, UnavailableError } from "../../shared/errors.ts";
import { logger } from "../../shared/logger.ts";

/** RFC 9457 problem details; the type URIs are documented in docs/openapi.yaml. */
export const PROBLEM_BASE = "https://loyalty-wallet.dev/problems/";

const STATUS: Record<ProblemKind, { status: number; title: string }> = {
  validation: { status: 400, title: "Invalid request" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  "idempotency-key-reuse": { status: 422, title: "Idempotency-Key reused" },
  "bad-gateway": { status: 502, title: "Upstream failure" },
  unavailable: { status: 503, title: "Temporarily unavailable" },
};

/** AWS errors that mean "too busy right now": the client should retry, with the same Idempotency-Key. */
const TRANSIENT_AWS_ERRORS = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TimeoutError",
  "InternalServerError",
  "ServiceUnavailable",
]);

export function problem(
  status: number,
  kind: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { "content-type": "application/problem+json", ...headers },
    body: JSON.stringify({ type: PROBLEM_BASE + kind, title, status, detail, ...extra }),
  };
}

/** The one mapping from errors to responses: domain errors say what went wrong; anything else stays opaque. */
export function errorResponse(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const { status, title } = STATUS[error.kind];
    const headers: Record<string, string> =
      error instanceof UnavailableError ? { "retry-after": String(error.retryAfterSeconds) } : {};
    return problem(status, error.kind, title, error.message, error.details, headers);
  }
  const name = (error as { name?: string })?.name ?? "";
  if (TRANSIENT_AWS_ERRORS.has(name)) {
    logger.warn("transient AWS error", { requestId, errorName: name });
    return problem(
      503,
      "unavailable",
      STATUS.unavailable.title,
      "The service is busy; retry shortly.",
      {},
      {
        "retry-after": "1",
      },
    );
  }
  logger.error("unexpected error", { requestId, error: error as Error });
  return problem(500, "internal", "Internal error", "Something went wrong on our side.", { requestId });
}
