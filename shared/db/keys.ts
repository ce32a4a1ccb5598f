import { createHash } from "node:crypto";

/**
 * Key builders: the only place that knows how items are laid out in the table.
 * A merchant's id is part of every customer key, so an item can only be reached through its own merchant.
 */

/** Writes of a busy merchant's activity spread over this many index partitions. */
export const ACTIVITY_SHARDS = 8;

export const SEQ_DIGITS = 10;

export const merchantPk = (merchantId: string) => `MERCHANT#${merchantId}`;
export const merchantSk = () => "#MERCHANT";
export const locationSk = (locationId: string) => `LOCATION#${locationId}`;
export const programSk = (programId: string) => `PROGRAM#${programId}`;
export const programVersionSk = (programId: string, version: number) =>
  `PROGRAM#${programId}#V#${String(version).padStart(6, "0")}`;
export const staffSk = (staffId: string) => `STAFF#${staffId}`;

export const customerPk = (merchantId: string, customerId: string) =>
  `MERCHANT#${merchantId}#CUSTOMER#${customerId}`;
export const profileSk = () => "#PROFILE";
export const entrySk = (seq: number) => `ENTRY#${String(seq).padStart(SEQ_DIGITS, "0")}`;
export const ENTRY_PREFIX = "ENTRY#";

export const barcodePk = (merchantId: string, barcode: string) => `MERCHANT#${merchantId}#BARCODE#${barcode}`;
export const barcodeSk = () => "#BARCODE";

export const idempotencyPk = (merchantId: string, key: string) => `MERCHANT#${merchantId}#IDEMPOTENCY#${key}`;
export const idempotencySk = () => "#IDEMPOTENCY";

/** The activity shard is fixed per customer, so one customer's history stays in one partition. */
export function activityShard(customerId: string): number {
  return createHash("sha256").update(customerId).digest().readUInt32BE(0) % ACTIVITY_SHARDS;
}

export const activityPk = (merchantId: string, shard: number) => `MERCHANT#${merchantId}#ACTIVITY#${shard}`;
export const locationActivityPk = (merchantId: string, locationId: string) =>
  `MERCHANT#${merchantId}#LOCATION#${locationId}#ACTIVITY`;
export const staffActivityPk = (merchantId: string, staffId: string) =>
  `MERCHANT#${merchantId}#STAFF#${staffId}#ACTIVITY`;
/** Sorts by time, then by entry id so that rows written in the same millisecond keep a stable order. */
export const activitySk = (createdAt: string, entryId: string) => `${createdAt}#${entryId}`;

export const entryByIdPk = (merchantId: string, entryId: string) => `MERCHANT#${merchantId}#ENTRY#${entryId}`;
export const entryByIdSk = () => "#ENTRY";
