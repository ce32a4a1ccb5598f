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
export const VERSION_DIGITS = 6;
export const programVersionSk = (programId: string, version: number) =>
  `PROGRAM#${programId}#V#${String(version).padStart(VERSION_DIGITS, "0")}`;
export const staffSk = (staffId: string) => `STAFF#${staffId}`;
/** Prefixes that list a merchant's records of one kind with begins_with. */
export const LOCATION_PREFIX = "LOCATION#";
export const STAFF_PREFIX = "STAFF#";
/** Matches current programs and their version items alike; listers keep the sk that is exactly programSk(id). */
export const PROGRAM_PREFIX = "PROGRAM#";
export const programVersionPrefix = (programId: string) => `PROGRAM#${programId}#V#`;

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

/** Apple's web service names a pass only by serial number, so this pointer is global, not under a merchant. */
export const passPk = (serialNumber: string) => `PASS#${serialNumber}`;
export const passSk = () => "#PASS";
/**
 * Apple device registrations, written in pairs: under the pass (every device to push to when it
 * changes) and under the device (the serials a device asks about). One pass may be on many devices.
 * The pass's update state lives on the passSk item; the stream filter never matches these items.
 */
export const passDeviceSk = (deviceLibraryId: string) => `DEVICE#${deviceLibraryId}`;
export const PASS_DEVICE_PREFIX = "DEVICE#";
export const appleDevicePk = (deviceLibraryId: string) => `APPLEDEVICE#${deviceLibraryId}`;
export const devicePassSk = (passTypeIdentifier: string, serialNumber: string) =>
  `PASS#${passTypeIdentifier}#${serialNumber}`;
export const devicePassPrefix = (passTypeIdentifier: string) => `PASS#${passTypeIdentifier}#`;

export const phonePk = (merchantId: string, e164: string) => `MERCHANT#${merchantId}#PHONE#${e164}`;
export const emailPk = (merchantId: string, email: string) => `MERCHANT#${merchantId}#EMAIL#${email}`;
/** Unique-value claims (phone, email) are one item each; this is their sort key. */
export const claimSk = () => "#CLAIM";

/** Name search: one item per name word, in one partition per merchant; enrolments are rare, reads are prefix queries. */
export const nameIndexPk = (merchantId: string) => `MERCHANT#${merchantId}#NAMES`;
export const nameIndexSk = (token: string, customerId: string) => `${token}#${customerId}`;

export const auditSk = (at: string, id: string) => `AUDIT#${at}#${id}`;
export const AUDIT_PREFIX = "AUDIT#";

export const rewardSk = (rewardId: string) => `REWARD#${rewardId}`;
export const REWARD_PREFIX = "REWARD#";

export const redemptionPk = (merchantId: string, redemptionId: string) =>
  `MERCHANT#${merchantId}#REDEMPTION#${redemptionId}`;
export const redemptionSk = () => "#REDEMPTION";
/** Claimed with the redemption, so no two coupons of a merchant can ever share a code. */
export const couponPk = (merchantId: string, code: string) => `MERCHANT#${merchantId}#COUPON#${code}`;
export const couponSk = () => "#COUPON";

/** What was returned of one purchase so far: partial returns never take back more than it earned. */
export const purchaseReturnsPk = (merchantId: string, entryId: string) =>
  `MERCHANT#${merchantId}#RETURNS#${entryId}`;
export const purchaseReturnsSk = () => "#RETURNS";

/** Points still to spend from one credit, oldest first (sorted by the crediting entry's seq). */
export const batchSk = (seq: number) => `BATCH#${String(seq).padStart(SEQ_DIGITS, "0")}`;
export const BATCH_PREFIX = "BATCH#";
/** The customer's inactivity deadline, for inactivity expiry policies. */
export const inactivitySk = () => "#INACTIVITY";

/** Due items (expiring batches, inactivity deadlines) by day, spread over shards so one day is not one hot partition. */
export const DUE_SHARDS = 4;
export const dueShard = (customerId: string) => activityShard(customerId) % DUE_SHARDS;
export const duePk = (day: string, shard: number) => `DUE#${day}#${shard}`;
export const dueSk = (dueAt: string, merchantId: string, customerId: string) =>
  `${dueAt}#${merchantId}#${customerId}`;

/** Notifications waiting for delivery; the sort key is the dedupe key, so a notification is written once. */
export const notificationSk = (dedupeKey: string) => `NOTIFY#${dedupeKey}`;
export const NOTIFICATION_PREFIX = "NOTIFY#";
/**
 * The delivery record of a notification caused by a ledger entry (the entry itself is its outbox):
 * one per Moment and entry, so a redelivered stream record finds it and sends nothing twice.
 */
export const deliverySk = (moment: string, entryId: string) => `DELIVERY#${moment}:${entryId}`;
/** A customer's notifications, newest first (gsi2, sorted by activitySk): delivery records and outbox items. */
export const customerNotificationsPk = (merchantId: string, customerId: string) =>
  `MERCHANT#${merchantId}#CUSTOMER#${customerId}#NOTIFICATIONS`;
/** Whether the customer's email address bounced; apart from the profile, whose writes update the pass. */
export const emailStatusSk = () => "#EMAIL_STATUS";

export const jobCheckpointPk = (job: string) => `JOB#${job}`;
export const jobCheckpointSk = () => "#CHECKPOINT";

/** A customer's portal access: every portal link carries this item's version; bumping it revokes them all. */
export const portalSk = () => "#PORTAL";

/** A merchant's Ed25519 keys for one purpose (signed statements, portal links): the current and previous public keys. */
export const signingKeysSk = (purpose: string) => `#SIGNING_KEYS#${purpose}`;
/** A private signing key; kept in the table on the local stack only (see shared/keys/key-backend.ts). */
export const privateKeySk = (ref: string) => `PRIVATE_KEY#${ref}`;

/** A claim for missing points, read by id when staff decide it. */
export const pointsClaimPk = (merchantId: string, claimId: string) =>
  `MERCHANT#${merchantId}#POINTSCLAIM#${claimId}`;
export const pointsClaimSk = () => "#POINTSCLAIM";
/** The merchant's review queue, one index partition per status (gsi1, sorted by activitySk). */
export const pointsClaimQueuePk = (merchantId: string, status: string) =>
  `MERCHANT#${merchantId}#POINTSCLAIMS#${status}`;
/** A customer's own claims (gsi2, sorted by activitySk). */
export const customerPointsClaimsPk = (merchantId: string, customerId: string) =>
  `MERCHANT#${merchantId}#CUSTOMER#${customerId}#POINTSCLAIMS`;
/** A receipt number claimed at a location: claimed once, so the same receipt cannot be claimed twice. */
export const receiptPk = (merchantId: string, locationId: string, receipt: string) =>
  `MERCHANT#${merchantId}#RECEIPT#${locationId}#${receipt}`;
export const receiptSk = () => "#RECEIPT";
