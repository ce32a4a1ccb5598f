import { QueryCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import { activityShard } from "../db/activity-keys.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";

/**
 * The due index (gsi5): what falls due on a day, for the expiry job and its reminders. It has no items of
 * its own: dated lots (./lots.ts) and inactivity deadlines (./inactivity.ts) carry its keys.
 */

/** Due items by day, spread over shards so one day is not one hot partition. */
export const DUE_SHARDS = 4;
export const dueShard = (customerId: string) => activityShard(customerId) % DUE_SHARDS;
export const duePk = (day: string, shard: number) => `DUE#${day}#${shard}`;
export const dueSk = (dueAt: string, merchantId: string, customerId: string) =>
  `${dueAt}#${merchantId}#${customerId}`;

/** One entry of the due index: which item (batch or inactivity deadline) of which customer, due when. */
export interface DueItem {
  pk: string;
  sk: string;
  dueAt: string;
  merchantId: string;
  customerId: string;
}

export interface DuePage {
  items: DueItem[];
  next?: Record<string, unknown>;
}

/** A page of one day-shard of the due index, for items due between `from` and `to` (ISO times). */
export async function readDuePage(
  db: Db,
  dayShard: { day: string; shard: number },
  range: { from?: string; to: string },
  startKey?: Record<string, unknown>,
): Promise<DuePage> {
  const page: QueryCommandOutput = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "gsi5",
      KeyConditionExpression: "gsi5pk = :pk AND gsisk BETWEEN :from AND :to",
      ExpressionAttributeValues: {
        ":pk": duePk(dayShard.day, dayShard.shard),
        // "0" sorts before any ISO time; "\uffff" after any merchant and customer id that follow it.
        ":from": range.from ?? "0",
        ":to": `${range.to}#\uffff`,
      },
      ExclusiveStartKey: startKey,
      Limit: 200,
    }),
  );
  const items = (page.Items ?? []).map((item) => {
    const [dueAt = "", merchantId = "", customerId = ""] = String(item.gsisk).split("#");
    return { pk: String(item.pk), sk: String(item.sk), dueAt, merchantId, customerId };
  });
  return { items, ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
}

/** An index only: the items it lists are stored by the lot and inactivity stores. */
export const STORED_ITEMS = [] as const satisfies readonly StoredItemType[];
