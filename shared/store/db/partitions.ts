/**
 * The partitions several stores share. A merchant's id is part of every customer key, so an item can only
 * be reached through its own merchant.
 */

/** The merchant's partition: its own records (shared/store/merchants/, shared/store/rewards.ts, signing keys). */
export const merchantPk = (merchantId: string) => `MERCHANT#${merchantId}`;

/** A customer's partition: profile, ledger entries, lots, notifications, audit records. */
export const customerPk = (merchantId: string, customerId: string) =>
  `MERCHANT#${merchantId}#CUSTOMER#${customerId}`;
