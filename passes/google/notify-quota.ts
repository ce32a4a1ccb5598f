export interface NotifyQuotaPolicy {
  limit: number;
  windowMs: number;
}

/** Google Wallet delivers at most 3 notifying updates per pass in 24 hours and rejects the rest. */
export const GOOGLE_NOTIFY_QUOTA: NotifyQuotaPolicy = { limit: 3, windowMs: 24 * 60 * 60_000 };

export interface NotifyDecision {
  notify: boolean;
  /** ISO timestamps to store for the next decision: the ones still in the window, plus now if notifying. */
  keep: string[];
}

/**
 * Whether an update to one pass may notify, given when its earlier notifying updates happened.
 * A timestamp exactly `windowMs` old still counts, erring toward silence over a rejected update.
 * Unreadable timestamps are dropped rather than kept forever.
 */
export function decideNotify(
  previous: readonly string[],
  now: Date,
  policy: NotifyQuotaPolicy = GOOGLE_NOTIFY_QUOTA,
): NotifyDecision {
  const nowMs = now.getTime();
  const inWindow = previous
    .map((stamp) => Date.parse(stamp))
    .filter((ms) => Number.isFinite(ms) && nowMs - ms <= policy.windowMs)
    .sort((a, b) => a - b);

  const notify = inWindow.length < policy.limit;
  const kept = notify ? [...inWindow, nowMs] : inWindow;
  // Only the latest `limit` stamps can ever matter, so the stored list stays bounded.
  return { notify, keep: kept.slice(-policy.limit).map((ms) => new Date(ms).toISOString()) };
}
