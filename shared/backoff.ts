/**
 * Exponential backoff with jitter, for every retry loop in the project. `retry` is 1 for the first retry.
 * - "full" jitter (anywhere in the window) spreads writers that just collided on one item the most.
 * - "equal" jitter (the upper half of the window) never retries at once, for a remote service that
 *   just said it is overloaded.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  jitter: "full" | "equal";
}

export function backoffDelayMs(policy: BackoffPolicy, retry: number, random: () => number): number {
  const window = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  const fixed = policy.jitter === "equal" ? window / 2 : 0;
  return Math.round(fixed + random() * (window - fixed));
}
