import { describe, expect, it } from "vitest";
import {
  DISABLE_AFTER_MS,
  failingTooLong,
  MAX_ATTEMPTS,
  nextAttemptAt,
  RETRY_DELAYS_MS,
} from "../../../shared/webhooks/schedule.ts";

describe("retry schedule", () => {
  const start = new Date("2026-01-01T00:00:00.000Z");
  const noJitter = () => 0;

  it("spans more than 24 hours, exponentially, then gives up", () => {
    let at = start;
    for (let round = 1; round < MAX_ATTEMPTS; round++) {
      const next = nextAttemptAt(round, at, noJitter);
      if (!next) throw new Error(`no retry after attempt ${round}`);
      expect(next.getTime() - at.getTime()).toBe(RETRY_DELAYS_MS[round - 1]);
      at = next;
    }
    expect(at.getTime() - start.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(nextAttemptAt(MAX_ATTEMPTS, at, noJitter)).toBeUndefined();
    // Never shorter than the one before.
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) {
      expect(RETRY_DELAYS_MS[i] as number).toBeGreaterThan(RETRY_DELAYS_MS[i - 1] as number);
    }
  });

  it("adds at most 10 % jitter, and honours a longer Retry-After", () => {
    const late = nextAttemptAt(1, start, () => 0.999_999);
    expect(late?.getTime()).toBe(start.getTime() + 5_500);
    expect(nextAttemptAt(1, start, noJitter, 120)?.getTime()).toBe(start.getTime() + 120_000);
    expect(nextAttemptAt(3, start, noJitter, 1)?.getTime()).toBe(start.getTime() + 30 * 60_000);
  });

  it("disables after 5 days of failures, not before", () => {
    const since = start.toISOString();
    expect(failingTooLong(undefined, new Date(start.getTime() + 10 * DISABLE_AFTER_MS))).toBe(false);
    expect(failingTooLong(since, new Date(start.getTime() + DISABLE_AFTER_MS - 1))).toBe(false);
    expect(failingTooLong(since, new Date(start.getTime() + DISABLE_AFTER_MS))).toBe(true);
  });
});
