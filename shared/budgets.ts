/**
 * Every wait the code may make, in one place, so that the sum of them fits inside the Lambda timeout
 * and API Gateway's 29 s: a stalled dependency then gives a 503 with Retry-After within seconds, not a
 * hung request. The CDK stack derives the function timeouts from these numbers (infra/stack/*), the
 * local gateway enforces the same ones, and test/unit/infra/timeouts.test.ts checks the sums.
 *
 * No imports: this module is bundled into every Lambda and read by the CDK app.
 */

/**
 * A budget the environment may raise, for DynamoDB Local on a loaded machine (the integration tests, the
 * benchmarks: seconds per call where DynamoDB takes milliseconds). Lambda's configuration sets none of
 * these variables, so on AWS the constants below are the budgets.
 */
export function budgetFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

// ── DynamoDB ────────────────────────────────────────────────────────────────────────────────────

/** TCP + TLS to DynamoDB in the same region takes tens of ms; a second without a socket means the network is gone. */
export const DYNAMODB_CONNECT_TIMEOUT_MS = 1_000;

/**
 * From sending a request to its response headers (connecting included), and the longest silence while
 * the body streams. DynamoDB answers in single-digit ms and a 100-item transaction in well under 100 ms,
 * so past 1.5 s the call is stalled and a fresh attempt on a new connection is the better bet.
 */
export const DYNAMODB_REQUEST_TIMEOUT_MS = 1_500;

/** The first try and two retries (the SDK's own): enough to ride out a dropped connection or a throttled burst. */
export const DYNAMODB_MAX_ATTEMPTS = 3;

/**
 * The longest pause between two SDK attempts of any client (full jitter below it), throttling included:
 * the SDK's own throttling backoff grows to seconds, which a request that a person waits for cannot afford.
 */
export const SDK_RETRY_MAX_DELAY_MS = 300;

/** Worst time one SDK call can take before its last error reaches the caller. */
export function sdkCallBudgetMs(requestTimeoutMs: number, maxAttempts: number): number {
  return maxAttempts * requestTimeoutMs + (maxAttempts - 1) * SDK_RETRY_MAX_DELAY_MS;
}

/** One DynamoDB call, all attempts: 3 × 1.5 s + 2 × 0.3 s = 5.1 s. */
export const DYNAMODB_CALL_BUDGET_MS = sdkCallBudgetMs(DYNAMODB_REQUEST_TIMEOUT_MS, DYNAMODB_MAX_ATTEMPTS);

/**
 * How long the ledger write pipeline keeps retrying a contended customer (another write moved the chain,
 * TransactionConflict) before answering 503 with Retry-After. Bounded in time as well as in attempts:
 * under contention each attempt is a few calls, and a client retrying with its Idempotency-Key is better
 * than a request that is still waiting when the gateway gives up.
 */
export const CONTENTION_BUDGET_MS = 3_000;

/** Seconds a client is told to wait (Retry-After) when an AWS service timed out, throttled or dropped the connection. */
export const AWS_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

// ── Other AWS services ──────────────────────────────────────────────────────────────────────────

/** KMS (signing keys): connecting, like DynamoDB, is quick or broken. */
export const KMS_CONNECT_TIMEOUT_MS = 1_000;
/** A KMS Sign or Decrypt takes tens of ms; KMS's own quota throttles rather than slows. */
export const KMS_REQUEST_TIMEOUT_MS = 2_000;
export const KMS_MAX_ATTEMPTS = 3;

/** Secrets Manager (wallet certificates and keys), read once per container and cached. */
export const SECRETS_CONNECT_TIMEOUT_MS = 1_000;
export const SECRETS_REQUEST_TIMEOUT_MS = 2_000;
export const SECRETS_MAX_ATTEMPTS = 3;

/** SES (e-mail), called from background functions and from the portal's verification e-mail. */
export const SES_CONNECT_TIMEOUT_MS = 1_000;
export const SES_REQUEST_TIMEOUT_MS = 3_000;
export const SES_MAX_ATTEMPTS = 3;

/**
 * SNS (text messages), called from the portal's phone verification only; a Publish takes tens of ms. One
 * retry only: a Publish retried after a timeout may send the text twice, and each one is paid for.
 */
export const SNS_CONNECT_TIMEOUT_MS = 1_000;
export const SNS_REQUEST_TIMEOUT_MS = 3_000;
export const SNS_MAX_ATTEMPTS = 2;

/**
 * DynamoDB Streams, read only by the local stream poller (on AWS, Lambda's event source mapping reads
 * the stream); a poll that stalls is abandoned and the next one, 100 ms later, starts over.
 */
export const STREAMS_CONNECT_TIMEOUT_MS = 1_000;
export const STREAMS_REQUEST_TIMEOUT_MS = 5_000;
export const STREAMS_MAX_ATTEMPTS = 3;

/**
 * Cognito's admin API (staff sign-ins, merchant sign-up), called inside API requests: an admin call takes
 * tens of ms. Two attempts: an AdminCreateUser retried after a timeout finds the user it made and takes
 * it as its own (shared/auth/cognito-directory.ts), so a retry never makes two.
 */
export const COGNITO_CONNECT_TIMEOUT_MS = 1_000;
export const COGNITO_REQUEST_TIMEOUT_MS = 1_500;
export const COGNITO_MAX_ATTEMPTS = 2;

// ── Other services (HTTP) ───────────────────────────────────────────────────────────────────────

/**
 * APNs, per push attempt (passes/apple/apns/client.ts, built in passes/wallet-runtime.ts). Apple answers
 * in well under a second; a push held for 5 s is a stalled connection. Three attempts (backoff 250 ms,
 * 500 ms): at most ~16 s per push, so a stalled APNs fails the record well inside the stream timeout.
 */
export const APNS_REQUEST_TIMEOUT_MS = 5_000;
export const APNS_MAX_ATTEMPTS = 3;

/** The Google Wallet API, per attempt (passes/google/wallet-client.ts); backoff 500 ms, 1 s: ~16.5 s per call. */
export const GOOGLE_WALLET_REQUEST_TIMEOUT_MS = 5_000;
export const GOOGLE_WALLET_MAX_ATTEMPTS = 3;

/**
 * The external coupon issuer, per call (shared/coupons/http-issuer.ts): a refund makes two (status,
 * revoke) inside an API request, so synth refuses a configured `couponIssuerTimeoutMs` above the maximum.
 */
export const COUPON_ISSUER_TIMEOUT_MS = 2_500;
export const COUPON_ISSUER_MAX_TIMEOUT_MS = 5_000;

// ── API Gateway and Lambda timeouts ─────────────────────────────────────────────────────────────

/** API Gateway's limit: an HTTP API integration may wait at most 30 s; we stay under 29 s as REST APIs must. */
export const API_GATEWAY_MAX_INTEGRATION_TIMEOUT_SECONDS = 29;

/** Cold start (module init, first TLS handshakes) and the handler's own work around its calls. */
const API_HANDLER_MARGIN_MS = 2_000;

/**
 * How long API Gateway waits for an API function before answering 503 {"message":"Service Unavailable"}.
 * An API request's worst case: the contention budget, then the attempt in flight when it ran out, whose
 * slowest call may exhaust its budget (→ 503 from the handler), after another call that only just
 * succeeded on its last attempt — (3 + 2 × 5.1 + 2) s = 15.2 s → 16 s. Past that the handler is stuck.
 */
export const API_INTEGRATION_TIMEOUT_SECONDS = Math.ceil(
  (CONTENTION_BUDGET_MS + 2 * DYNAMODB_CALL_BUDGET_MS + API_HANDLER_MARGIN_MS) / 1_000,
);

/**
 * The API functions' Lambda timeout: one second after the integration's, so that a stuck handler's
 * client gets API Gateway's retryable 503 rather than the 500 a Lambda timeout (a function error) gives.
 */
export const API_FUNCTION_TIMEOUT_SECONDS = API_INTEGRATION_TIMEOUT_SECONDS + 1;

/** Cognito fails a sign-in whose pre-token-generation trigger has not answered within 5 s. */
export const COGNITO_TRIGGER_TIMEOUT_SECONDS = 5;

/**
 * Stream consumers (pass updates, notifications): a batch of records, each a few DynamoDB calls plus an
 * APNs push, a Google PATCH or an SES send, each bounded by its own timeout; a failed batch is retried
 * (bisected) by the event source mapping, so the function only needs room for one slow batch.
 */
export const STREAM_FUNCTION_TIMEOUT_SECONDS = 60;

/**
 * Lambda's maximum, for the daily expiry job: it checkpoints before its time runs out
 * (context.getRemainingTimeInMillis) and the next run goes on from there.
 */
export const JOB_FUNCTION_TIMEOUT_SECONDS = 15 * 60;
