/**
 * When a failed webhook is tried again, and when an endpoint that keeps failing is switched off: the
 * Standard Webhooks specification's example schedule, with up to 10 % jitter so that retries caused by
 * one outage do not all land at once.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The pause after the n-th failed attempt of a round (index n − 1): 10 attempts over about 75 hours. */
export const RETRY_DELAYS_MS = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
] as const;

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
const JITTER = 0.1;

/**
 * An endpoint whose every attempt failed for this long is disabled, and its owner told. Deliveries of
 * one event give up after ~75 h; the endpoint is disabled only when failures go on past that.
 */
export const DISABLE_AFTER_MS = 5 * 24 * HOUR;

/** Random in [0, 1); injected so a test knows the schedule exactly. */
export type Random = () => number;

/**
 * When to try again after the `round`-th attempt of a round failed, or undefined when that was the last.
 * A receiver's Retry-After (a 429 or 503) is honoured when it asks for longer, up to a day.
 */
export function nextAttemptAt(
  round: number,
  failedAt: Date,
  random: Random,
  retryAfterSeconds?: number,
): Date | undefined {
  const delay = RETRY_DELAYS_MS[round - 1];
  if (delay === undefined) return undefined;
  const asked = Math.min(retryAfterSeconds ?? 0, 24 * 3600) * SECOND;
  const jittered = Math.round(delay * (1 + JITTER * random()));
  return new Date(failedAt.getTime() + Math.max(jittered, asked));
}

/** Whether an endpoint failing since `failingSince` (every attempt since) should be disabled now. */
export const failingTooLong = (failingSince: string | undefined, now: Date) =>
  failingSince !== undefined && now.getTime() - Date.parse(failingSince) >= DISABLE_AFTER_MS;

/** Only 2xx is a success; 410 Gone says the receiver wants no more (the endpoint is disabled at once). */
export const isSuccess = (status: number | undefined) =>
  status !== undefined && status >= 200 && status < 300;
export const isGone = (status: number | undefined) => status === 410;
