import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import type { NamedItem } from "../db/transact.ts";
import { dueKeys } from "./lots.ts";

/**
 * When a customer's tiers must be reviewed (the profile's `tierReviewAt`), listed in the due index (gsi5) so
 * the scheduled job finds the customers whose window moved below their level without scanning anyone
 * else. One item per customer, rewritten in the ledger write that moves the time. It has no `dueAt`: the
 * expiry reminders, which read the same index, find nothing to remind of in it.
 */
export const TIER_REVIEW_SK = "#TIER_REVIEW";

export function tierReviewPut(db: Db, merchantId: string, customerId: string, reviewAt: string): NamedItem {
  return {
    name: "tier-review",
    item: {
      Put: {
        TableName: db.table,
        Item: {
          pk: customerPk(merchantId, customerId),
          sk: TIER_REVIEW_SK,
          reviewAt,
          ...dueKeys(merchantId, customerId, reviewAt),
        },
      },
    },
  };
}

export const STORED_ITEMS = [
  { type: "tier-review", sk: TIER_REVIEW_SK, indexes: ["gsi5"] },
] as const satisfies readonly StoredItemType[];
