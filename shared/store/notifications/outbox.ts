import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { LedgerEntry } from "../../model.ts";
import type { OutboxRecord } from "../../notifications/moments.ts";
import type { OutboxNotification } from "../../notifications/outbox.ts";
import { activitySk } from "../db/activity-keys.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import type { NamedItem } from "../db/transact.ts";
import { ENTRY_PREFIX } from "../ledger/entries.ts";

/**
 * Outbox items: `NOTIFY#<dedupeKey>` under the customer, for notifications no ledger entry stands for
 * (expiry reminders, a rejected claim), written in the transaction that decides them. The sort key is the
 * dedupe key, so a notification is written once. The item then holds its own delivery status
 * (./deliveries.ts). Both it and the delivery records appear in the customer's notifications (gsi2).
 */

export const NOTIFICATION_PREFIX = "NOTIFY#";
export const notificationSk = (dedupeKey: string) => `${NOTIFICATION_PREFIX}${dedupeKey}`;
/** The gsi2 partition that lists a customer's notifications. */
export const customerNotificationsPk = (merchantId: string, customerId: string) =>
  `MERCHANT#${merchantId}#CUSTOMER#${customerId}#NOTIFICATIONS`;

/** A customer's notifications, newest first (gsi2); set on outbox items and delivery records alike. */
export function notificationIndexKeys(
  merchantId: string,
  customerId: string,
  createdAt: string,
  dedupeKey: string,
) {
  return {
    gsi2pk: customerNotificationsPk(merchantId, customerId),
    gsisk: activitySk(createdAt, dedupeKey),
  };
}

/** The outbox item ("notification"), written once: a second write of the same dedupe key fails its condition. */
export function outboxItem(
  db: Db,
  merchantId: string,
  customerId: string,
  notification: OutboxNotification,
): NamedItem {
  return {
    name: "notification",
    item: {
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
    },
  };
}

/** Sort-key prefixes of the items the notifications stream handler is fed: new ledger entries and outbox items. */
export const NOTIFICATION_SOURCE_PREFIXES = [ENTRY_PREFIX, NOTIFICATION_PREFIX] as const;

export type NotificationSource =
  | { kind: "entry"; entry: LedgerEntry }
  | { kind: "outbox"; item: OutboxRecord };

/**
 * The item a stream record names, read back consistently; undefined when it is neither an entry nor an
 * outbox item, or is gone.
 */
export async function readNotificationSource(
  db: Db,
  key: { pk: string; sk: string },
): Promise<NotificationSource | undefined> {
  const outbox = key.sk.startsWith(NOTIFICATION_PREFIX);
  if (!outbox && !key.sk.startsWith(ENTRY_PREFIX)) return undefined;
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  if (!outbox) return { kind: "entry", entry: Item as LedgerEntry };
  const { pk: _pk, sk: _sk, gsi2pk: _g2, gsisk: _s2, ...item } = Item;
  return { kind: "outbox", item: item as OutboxRecord };
}

export const STORED_ITEMS = [
  // The TTL is set when the item is first claimed for delivery (./deliveries.ts).
  { type: "outbox-notification", sk: "NOTIFY#<dedupeKey>", indexes: ["gsi2"], ttl: true },
] as const satisfies readonly StoredItemType[];
