import { createHash } from "node:crypto";

/**
 * The activity index keys. Ledger entries are listed by the merchant (gsi1, sharded), their location
 * (gsi2) and staff member (gsi3) (shared/store/ledger/entries.ts writes them, shared/store/ledger/activity.ts
 * reads them); points claims and notifications sort their own index partitions by the same sort key.
 */

/** Writes of a busy merchant's activity spread over this many index partitions. */
export const ACTIVITY_SHARDS = 8;

/** The activity shard is fixed per customer, so one customer's history stays in one partition. */
export function activityShard(customerId: string): number {
  return createHash("sha256").update(customerId).digest().readUInt32BE(0) % ACTIVITY_SHARDS;
}

export const activityPk = (merchantId: string, shard: number) => `MERCHANT#${merchantId}#ACTIVITY#${shard}`;
export const locationActivityPk = (merchantId: string, locationId: string) =>
  `MERCHANT#${merchantId}#LOCATION#${locationId}#ACTIVITY`;
export const staffActivityPk = (merchantId: string, staffId: string) =>
  `MERCHANT#${merchantId}#STAFF#${staffId}#ACTIVITY`;
/** Sorts by time, then by id so that rows written in the same millisecond keep a stable order. */
export const activitySk = (createdAt: string, id: string) => `${createdAt}#${id}`;
