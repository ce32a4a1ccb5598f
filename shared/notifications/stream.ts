import type { DynamoDBRecord } from "aws-lambda";
import { logger } from "../logger.ts";
import { listRewards } from "../merchants/directory.ts";
import type { Db } from "../store/db/client.ts";
import { TABLE } from "../store/db/table-definition.ts";
import { NOTIFICATION_SOURCE_PREFIXES, readNotificationSource } from "../store/notifications/outbox.ts";
import { getRedemption } from "../store/redemptions.ts";
import { entryNotifications, type Notification, outboxNotification } from "./moments.ts";

/**
 * The event source mapping's filter (CDK `FilterCriteria.filter`), applied by the local stack too: new
 * ledger entries and new outbox items. Their later changes (the outbox item's status) never come back.
 */
export const NOTIFICATIONS_FILTER_PATTERNS: readonly Record<string, unknown>[] = [
  {
    eventName: ["INSERT"],
    dynamodb: {
      Keys: { [TABLE.sortKey]: { S: NOTIFICATION_SOURCE_PREFIXES.map((prefix) => ({ prefix })) } },
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
  if (!pk || !sk) return [];
  const source = await readNotificationSource(db, { pk, sk });
  if (!source) return [];
  if (source.kind === "outbox") {
    const notification = outboxNotification(source.item);
    // Written by newer code, or by hand: left pending, for whoever knows what it means.
    if (!notification)
      logger.warn("outbox item not understood; left pending", { moment: source.item.moment, sk });
    return notification ? [notification] : [];
  }
  const { entry } = source;
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
