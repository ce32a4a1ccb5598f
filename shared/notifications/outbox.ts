/**
 * The Moments a customer can be told about. Those caused by a ledger entry (points earned, added by hand,
 * expired, redemption refunded, claim approved) need no outbox item: the entry itself, written in the
 * same transaction as the balance, is the record the stream handler delivers from. Notifications with no
 * entry (expiry reminders, a rejected claim, the welcome a new member gets) are written as an outbox item in the
 * transaction that decides them (shared/store/notifications/outbox.ts).
 */
export const MOMENTS = [
  "points_earned",
  "points_added",
  "reward_unlocked",
  "points_expiring",
  "points_expired",
  "redemption_refunded",
  "claim_decided",
  "welcome",
  "tier_reached",
] as const;
export type Moment = (typeof MOMENTS)[number];

export interface OutboxNotification {
  moment: Moment;
  /** Unique per notification: the item's sort key, so the same notification is never written twice. */
  dedupeKey: string;
  data: Record<string, string | number>;
  createdAt: string;
}
