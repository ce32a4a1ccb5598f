import type { Db } from "../db/client.ts";
import { activitySk, customerNotificationsPk, customerPk, notificationSk } from "../db/keys.ts";
import type { TransactItem } from "../idempotent-write.ts";

/**
 * The Moments a customer can be told about. Those caused by a ledger entry (points earned, added by hand,
 * expired, redemption refunded, claim approved) need no outbox item: the entry itself, written in the
 * same transaction as the balance, is the record the stream handler delivers from. Notifications with no
 * entry (expiry reminders, a rejected claim) are written as an outbox item in the transaction that decides them.
 */
export const MOMENTS = [
  "points_earned",
  "points_added",
  "reward_unlocked",
  "points_expiring",
  "points_expired",
  "redemption_refunded",
  "claim_decided",
] as const;
export type Moment = (typeof MOMENTS)[number];

export interface OutboxNotification {
  moment: Moment;
  /** Unique per notification: the item's sort key, so the same notification is never written twice. */
  dedupeKey: string;
  data: Record<string, string | number>;
  createdAt: string;
}

/** Lists a customer's notifications newest first (gsi2); set on outbox items and delivery records alike. */
export function notificationIndexKeys(
  merchantId: string,
  customerId: string,
  createdAt: string,
  dedupeKey: string,
) {
  return {
    gsi2pk: customerNotificationsPk(merchantId, customerId),
    gsi2sk: activitySk(createdAt, dedupeKey),
  };
}

export function outboxItem(
  db: Db,
  merchantId: string,
  customerId: string,
  notification: OutboxNotification,
): TransactItem {
  return {
    Put: {
      TableName: db.table,
      Item: {
        pk: customerPk(merchantId, customerId),
        sk: notificationSk(notification.dedupeKey),
        merchantId,
        customerId,
        ...notification,
        // Listed with the customer's notifications while still waiting for the stream handler.
        ...notificationIndexKeys(merchantId, customerId, notification.createdAt, notification.dedupeKey),
        status: "pending",
        attempts: 0,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}
