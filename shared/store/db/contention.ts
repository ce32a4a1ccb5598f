import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { BackoffPolicy } from "../../backoff.ts";

/** Reasons DynamoDB gives for cancelling a transaction, one per item in the order they were sent. */
export function cancellationCodes(error: unknown): (string | undefined)[] | undefined {
  if (
    error instanceof TransactionCanceledException ||
    (error as { name?: string })?.name === "TransactionCanceledException"
  ) {
    return ((error as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code);
  }
  return undefined;
}

/** A single write's condition did not hold (outside a transaction, which reports cancellationCodes instead). */
export const isConditionFailed = (error: unknown) =>
  (error as { name?: string } | undefined)?.name === "ConditionalCheckFailedException";

/** Contention that a fresh read and another try can get past. */
export function isRetryableCancellation(codes: (string | undefined)[]): boolean {
  return codes.some(
    (c) => c === "TransactionConflict" || c === "ThrottlingError" || c === "ProvisionedThroughputExceeded",
  );
}

export interface Backoff extends BackoffPolicy {
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** Writers that collided on one customer spread out instead of colliding again in lockstep. */
export const defaultBackoff: Backoff = {
  maxAttempts: 15,
  baseMs: 8,
  capMs: 300,
  jitter: "full",
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};
