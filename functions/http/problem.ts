import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { awsUnavailableCause } from "../../shared/aws-unavailable.ts";
import { AWS_UNAVAILABLE_RETRY_AFTER_SECONDS } from "../../shared/budgets.ts";
import { DomainError, type ProblemKind, RateLimited, UnavailableError } from "../../shared/errors.ts";
import { logger } from "../../shared/logger.ts";

/** RFC 9457 problem details; the type URIs are documented in docs/openapi.yaml. */
export const PROBLEM_BASE = "https://loyalty-wallet.dev/problems/";

const STATUS: Record<ProblemKind, { status: number; title: string }> = {
  validation: { status: 400, title: "Invalid request" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  "customer-erased": { status: 409, title: "Customer erased" },
  gone: { status: 410, title: "Gone" },
  "idempotency-key-reuse": { status: 422, title: "Idempotency-Key reused" },
  "export-too-large": { status: 422, title: "Export too large to produce in a request" },
  "too-many-requests": { status: 429, title: "Too many requests" },
  "bad-gateway": { status: 502, title: "Upstream failure" },
  unavailable: { status: 503, title: "Temporarily unavailable" },
};

/** The members RFC 9457 defines (§3.1); an extension member must never stand in for one of them. */
export const RESERVED_PROBLEM_MEMBERS = ["type", "title", "status", "detail", "instance"] as const;
const RESERVED: ReadonlySet<string> = new Set(RESERVED_PROBLEM_MEMBERS);

/**
 * The extension members (RFC 9457 §3.2) less any with a reserved name: a client reads `status` as the HTTP
 * status and `type` as the problem's identity, so a domain detail under such a name is a bug in the caller
 * (name it for what it is, e.g. `claimStatus`). It is dropped and logged, never sent in its place.
 */
function extensionMembers(extra: Record<string, unknown>, kind: string): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(extra)) {
    if (RESERVED.has(name))
      logger.warn("problem extension member with a reserved name dropped", { kind, name });
    else kept[name] = value;
  }
  return kept;
}

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
    body: JSON.stringify({
      type: PROBLEM_BASE + kind,
      title,
      status,
      detail,
      ...extensionMembers(extra, kind),
    }),
  };
}

/** The one mapping from errors to responses: domain errors say what went wrong; anything else stays opaque. */
export function errorResponse(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const { status, title } = STATUS[error.kind];
    const headers: Record<string, string> =
      error instanceof UnavailableError || error instanceof RateLimited
        ? { "retry-after": String(error.retryAfterSeconds) }
        : {};
    return problem(status, error.kind, title, error.message, error.details, headers);
  }
  // A timeout, a dropped connection or throttling that outlived the SDK's retries: nothing is known to
  // have changed, so the client retries with the same Idempotency-Key. Logged by name only.
  const unavailable = awsUnavailableCause(error);
  if (unavailable) {
    logger.warn("AWS service unavailable", { requestId, ...unavailable });
    return problem(
      503,
      "unavailable",
      STATUS.unavailable.title,
      "The service is busy or did not answer in time; retry shortly with the same Idempotency-Key.",
      {},
      { "retry-after": String(AWS_UNAVAILABLE_RETRY_AFTER_SECONDS) },
    );
  }
  logger.error("unexpected error", { requestId, error: error as Error });
  return problem(500, "internal", "Internal error", "Something went wrong on our side.", { requestId });
}
