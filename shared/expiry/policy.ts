/**
 * How a program's points expire. The policy in force when points are earned is recorded with them
 * (the entry's `expiresAt` and its batch), so a later policy change never reaches points already earned.
 * - none: points never expire.
 * - rolling: each batch of earned points expires `days` after it was earned.
 * - inactivity: the whole balance expires `days` after the customer's last earning.
 * - fixed: points expire at the end (UTC) of the next `month`/`day` after they were earned.
 */
export type ExpiryPolicy =
  | { kind: "none" }
  | { kind: "rolling"; days: number }
  | { kind: "inactivity"; days: number }
  | { kind: "fixed"; month: number; day: number };

export const NO_EXPIRY: ExpiryPolicy = { kind: "none" };

const DAY_MS = 86_400_000;

/** When a batch earned at `earnedAt` expires on its own, or undefined (never, or only through inactivity). */
export function batchExpiresAt(policy: ExpiryPolicy, earnedAt: Date): string | undefined {
  switch (policy.kind) {
    case "none":
    case "inactivity":
      return undefined;
    case "rolling":
      return new Date(earnedAt.getTime() + policy.days * DAY_MS).toISOString();
    case "fixed": {
      const year = earnedAt.getUTCFullYear();
      const endOf = (y: number) => new Date(Date.UTC(y, policy.month - 1, policy.day, 23, 59, 59, 999));
      const thisYear = endOf(year);
      return (thisYear > earnedAt ? thisYear : endOf(year + 1)).toISOString();
    }
  }
}

/** When the whole balance expires if nothing more is earned (inactivity policies only). */
export function inactivityDueAt(policy: ExpiryPolicy, lastEarnedAt: Date): string | undefined {
  return policy.kind === "inactivity"
    ? new Date(lastEarnedAt.getTime() + policy.days * DAY_MS).toISOString()
    : undefined;
}

export function describeExpiry(policy: ExpiryPolicy): string {
  switch (policy.kind) {
    case "none":
      return "points do not expire";
    case "rolling":
      return `points expire ${policy.days} days after they are earned`;
    case "inactivity":
      return `the whole balance expires after ${policy.days} days without earning`;
    case "fixed":
      return `points expire on the next ${String(policy.day).padStart(2, "0")}/${String(policy.month).padStart(2, "0")} (day/month) after they are earned`;
  }
}
