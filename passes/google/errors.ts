export type GoogleWalletErrorCode =
  | "auth" // no access token could be obtained
  | "invalid_request" // 400, or rejected before sending
  | "unauthorized" // 401
  | "forbidden" // 403: wrong issuer, or the service account lacks access
  | "not_found" // 404
  | "conflict" // 409 outside an upsert
  | "rate_limited" // 429, notification quota included
  | "unavailable" // 5xx
  | "network" // no HTTP answer: connection failure or timeout
  | "unexpected";

/**
 * The message carries operation, status and Google's reason code only: Google's own error text can
 * echo request fields such as accountName, which must not reach the logs.
 */
export class GoogleWalletError extends Error {
  override readonly name = "GoogleWalletError";
  readonly code: GoogleWalletErrorCode;
  readonly operation: string;
  readonly httpStatus: number | undefined;
  readonly reason: string | undefined;
  readonly retryable: boolean;

  constructor(input: {
    code: GoogleWalletErrorCode;
    operation: string;
    httpStatus?: number;
    reason?: string;
    retryable: boolean;
    cause?: unknown;
  }) {
    const detail = [input.httpStatus && `HTTP ${input.httpStatus}`, input.reason].filter(Boolean).join(" ");
    super(`Google Wallet ${input.operation} failed: ${input.code}${detail ? ` (${detail})` : ""}`, {
      cause: input.cause,
    });
    this.code = input.code;
    this.operation = input.operation;
    this.httpStatus = input.httpStatus;
    this.reason = input.reason;
    this.retryable = input.retryable;
  }
}

export function codeForStatus(status: number): GoogleWalletErrorCode {
  if (status === 400) return "invalid_request";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "unavailable";
  return "unexpected";
}

export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
