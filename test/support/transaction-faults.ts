import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { Backoff } from "../../shared/store/db/contention.ts";

/** Faults DynamoDB Local never produces, for tests that inject them with aws-sdk-client-mock. */

/** A cancelled transaction with one reason per item, in the order the items were sent. */
export const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A backoff that never waits but records every delay it was asked for, with a fixed "random" of 0.5. */
export function recordingBackoff(maxAttempts: number): { backoff: Backoff; sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    backoff: {
      maxAttempts,
      baseMs: 10,
      capMs: 100,
      jitter: "full",
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
    },
  };
}
