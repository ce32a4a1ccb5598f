import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import type { Db } from "../db/client.ts";
import { ENTRY_PREFIX, NOTIFICATION_PREFIX } from "../db/keys.ts";
import { TABLE } from "../db/table-definition.ts";
import { logger } from "../logger.ts";
import { listRewards } from "../merchants/directory.ts";
import type { LedgerEntry } from "../model.ts";
import { getRedemption } from "../redemptions/store.ts";
import { entryNotifications, type Notification, type OutboxRecord, outboxNotification } from "./moments.ts";

/**
 * The event source mapping's filter (CDK `FilterCriteria.filter`), applied by the local stack too: new
 * ledger entries and new outbox items. Their later changes (the outbox item's status) never come back.
 */
export const NOTIFICATIONS_FILTER_PATTERNS: readonly Record<string, unknown>[] = [
  {
    eventName: ["INSERT"],
    dynamodb: {
      Keys: { [TABLE.sortKey]: { S: [{ prefix: ENTRY_PREFIX }, { prefix: NOTIFICATION_PREFIX }] } },
    },
  },
];

/**
 * The notifications a stream record asks for. The item is read back from the table rather than decoded
 * from the image: entries never change, and the outbox item's own status is what delivery goes by.
 */
export async function notificationsOfRecord(db: Db, record: DynamoDBRecord): Promise<Notification[]> {
  if (record.eventName !== "INSERT") return [];
  const keys = record.dynamodb?.Keys;
  const pk = keys?.[TABLE.partitionKey]?.S;
  const sk = keys?.[TABLE.sortKey]?.S;
  if (!pk || !sk || !(sk.startsWith(ENTRY_PREFIX) || sk.startsWith(NOTIFICATION_PREFIX))) return [];
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk, sk }, ConsistentRead: true }),
  );
  if (!Item) return [];
  if (sk.startsWith(NOTIFICATION_PREFIX)) {
    const notification = outboxNotification(Item as OutboxRecord);
    // Written by newer code, or by hand: left pending, for whoever knows what it means.
    if (!notification) logger.warn("outbox item not understood; left pending", { moment: Item.moment, sk });
    return notification ? [notification] : [];
  }
  const entry = Item as LedgerEntry;
  const [rewards, redemption] = await Promise.all([
    // Only a credit can reach a reward.
    entry.points > 0 ? listRewards(db, entry.merchantId) : [],
    entry.type === "refund" && entry.refs?.redemptionId
      ? getRedemption(db, entry.merchantId, entry.refs.redemptionId)
      : undefined,
  ]);
  return entryNotifications(entry, {
    rewards,
    ...(redemption ? { refundedReward: redemption.reward.name } : {}),
  });
}
