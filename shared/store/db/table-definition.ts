/**
 * The one description of the table. The CDK stack (infra/stack) and the local stack (infra/local)
 * both build their table from it, so the two can never drift apart.
 */

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
  /**
   * ALL copies whole items; KEYS_ONLY, for a pointer index, costs one small write; INCLUDE adds the few
   * attributes a reader tests before it fetches the items (`include`).
   */
  projection: "ALL" | "KEYS_ONLY" | "INCLUDE";
  include?: readonly string[];
  /** The item types that set this index's keys, as their stores declare them (`STORED_ITEMS`). */
  usedBy: readonly string[];
}

export const TABLE = {
  partitionKey: "pk",
  sortKey: "sk",
  /**
   * Items with this epoch-seconds attribute are removed by DynamoDB TTL: idempotency records and their
   * pointers under the customers their answers name (7 days after the write), notifications' delivery records, outbox `NOTIFY#` items and `DELIVERY#` records alike (a year
   * after creation, set when first claimed or skipped: shared/store/notifications/deliveries.ts), and contact changes
   * waiting for confirmation (7 days after their link expires: shared/store/customers/contact-changes.ts),
   * and webhook deliveries (30 days after they were made: shared/store/webhooks.ts), and fraud-rule counters
   * (a day after their window closed: shared/store/alerts.ts), and imports' parts, lines, seen contacts and
   * listing (30, 90, 2 and 150 days: shared/store/imports.ts), and held manual points (90 days).
   */
  ttlAttribute: "ttl",
  ttlUsedBy: [
    "idempotency-record",
    "idempotency-pointer",
    "notification-delivery",
    "outbox-notification",
    "contact-change",
    "rate-window",
    "webhook-delivery",
    "alert-counter",
    "import-part",
    "import-line",
    "import-seen",
    "import-recent",
    "points-hold",
  ],
  streamView: "NEW_AND_OLD_IMAGES",
  /**
   * gsi2, gsi3 and gsi5 sort on one attribute, `gsisk`: a ledger entry is in all three at the same place
   * (`<createdAt>#<id>`) and stores that key once, not three times. No other item is in more than one of
   * them. With the location and staff partitions named by digests (shared/store/db/activity-keys.ts), this
   * keeps an entry with production-sized ids under 1 KB: one write unit, where it took two (README
   * "Performance").
   */
  indexes: [
    // Points claims: the merchant's review queue, one partition per status, by creation time (shared/store/claims.ts).
    {
      name: "gsi1",
      partitionKey: "gsi1pk",
      sortKey: "gsi1sk",
      projection: "ALL",
      usedBy: ["points-claim"],
    },
    // Ledger entries made at a location: that location's activity, newest first (`LOCATION#<digest>`:
    // shared/store/db/activity-keys.ts).
    // Notifications (outbox `NOTIFY#` items and `DELIVERY#` records): a customer's, newest first.
    // Points claims: a customer's own, newest first.
    // Not whole items: an entry copied whole (over 1 KB with production-sized ids) cost this index 4 units
    // per earn instead of 2. It copies what the activity filters test on a location's rows
    // (shared/activity/filters.ts) and what an erasure reads of a claim (its texts); the readers of
    // notifications and claims then read the items by key.
    {
      name: "gsi2",
      partitionKey: "gsi2pk",
      sortKey: "gsisk",
      projection: "INCLUDE",
      include: ["type", "points", "customerId", "staffId", "createdAt", "description", "decision"],
      usedBy: ["ledger-entry", "points-claim", "outbox-notification", "notification-delivery"],
    },
    // Ledger entries made by a staff member: that member's activity, newest first (`STAFF#<digest>`). Only what the activity
    // filters test is copied (shared/activity/filters.ts); the page's entries are then read by key, so an
    // entry costs this index one small write instead of a whole copy.
    {
      name: "gsi3",
      partitionKey: "gsi3pk",
      sortKey: "gsisk",
      projection: "INCLUDE",
      include: ["type", "points", "customerId", "locationId", "createdAt"],
      usedBy: ["ledger-entry"],
    },
    // Dated point lots (`LOTS#<day>`), at their expiry, and inactivity deadlines: what falls due on a day,
    // sharded; read by the expiry job and its reminders (`DUE#…` partitions); customers' tier reviews too.
    // Pending webhook deliveries, at their next attempt (`WEBHOOK_DUE#<shard>`): read by the retry job.
    // Ledger entries: a merchant's activity, newest first, one partition per activity class
    // (`ACTIVITY#<digest of merchant and class>`: shared/store/db/activity-keys.ts), so a type filter reads only
    // entries it lists; the page's entries are then read by key. An entry by id (the purchase a return
    // reverses) too: its id carries its creation time, so its sort key here (shared/store/ledger/entries.ts).
    {
      name: "gsi5",
      partitionKey: "gsi5pk",
      sortKey: "gsisk",
      projection: "KEYS_ONLY",
      usedBy: ["lot", "inactivity-deadline", "tier-review", "ledger-entry", "webhook-delivery"],
    },
  ] satisfies IndexDefinition[],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]["name"];

/** Every key attribute, all strings, each once (gsi2, gsi3 and gsi5 share their sort key). */
export function keyAttributes(): string[] {
  return [
    ...new Set([
      TABLE.partitionKey,
      TABLE.sortKey,
      ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ]),
  ];
}
