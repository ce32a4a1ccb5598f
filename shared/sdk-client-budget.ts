import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SDK_RETRY_MAX_DELAY_MS } from "./budgets.ts";

/** The bounds of one AWS SDK client (numbers from shared/budgets.ts). */
export interface SdkClientBudget {
  connectTimeoutMs: number;
  /** Sending to response headers, connecting included; also the longest silence while the body streams. */
  requestTimeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

/** Grows from 25 ms and never passes SDK_RETRY_MAX_DELAY_MS; full jitter, so throttled callers spread out. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(SDK_RETRY_MAX_DELAY_MS, 25 * 2 ** attempt));
}

/**
 * Client options that make every wait of an AWS SDK client finite. Without them the SDK's HTTP handler
 * waits forever for a response (no request timeout) and throttling backs off for seconds, so a stalled
 * service holds a request until Lambda kills it. `throwOnRequestTimeout`: without it the handler only
 * logs a warning when the request timeout passes.
 */
export function sdkClientBudget(budget: SdkClientBudget) {
  return {
    maxAttempts: budget.maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(budget.maxAttempts, (attempt) => retryDelayMs(attempt)),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: budget.connectTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: budget.requestTimeoutMs,
    }),
  };
}
