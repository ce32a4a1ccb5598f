import { createHash } from "node:crypto";
import type { ActivityType } from "../../activity/filters.ts";
import { ENTRY_TYPE_NAMES, ENTRY_TYPES, entryTypesListedUnder } from "../../ledger/entry-types.ts";
import type { EntryType } from "../../model.ts";

/**
 * The activity index keys. Ledger entries are listed by the merchant and their activity class (gsi5, one
 * partition per class), their location (gsi2) and staff member (gsi3) (shared/store/ledger/entries.ts writes
 * them, shared/store/ledger/activity.ts reads them); points claims and notifications sort their own index
 * partitions by the same sort key.
 */

/** A hash of the customer id that spreads partitions (the due index's shards: shared/store/ledger/due-index.ts). */
export const ACTIVITY_SHARDS = 8;

export function activityShard(customerId: string): number {
  return createHash("sha256").update(customerId).digest().readUInt32BE(0) % ACTIVITY_SHARDS;
}

/**
 * Types that a filter lists only as credits (hand adjustments under "issued") get a partition per sign, so
 * that every activity filter is a union of whole partitions and never has to skip entries.
 */
const SPLIT_BY_SIGN: ReadonlySet<EntryType> = new Set(
  ENTRY_TYPE_NAMES.filter((type) => Object.values(ENTRY_TYPES[type].activity).includes("credit")),
);

/** The class an entry is listed under in the type-keyed activity index. */
export function activityClassOf(entry: { type: EntryType; points: number }): string {
  if (!SPLIT_BY_SIGN.has(entry.type)) return entry.type;
  return `${entry.type}.${entry.points > 0 ? "credit" : "debit"}`;
}

const classesOf = (type: EntryType) =>
  SPLIT_BY_SIGN.has(type) ? [`${type}.credit`, `${type}.debit`] : [type];

/** Every class: the merchant's whole activity is their union. */
export const ACTIVITY_CLASSES: readonly string[] = ENTRY_TYPE_NAMES.flatMap(classesOf);

/** The classes an activity filter lists, from the entry-type registry. */
export function activityClassesListedUnder(activity: ActivityType): string[] {
  const listed = entryTypesListedUnder(activity);
  return [...listed.always.flatMap(classesOf), ...listed.credit.map((type) => `${type}.credit`)];
}

/**
 * An activity partition (of a class, a location, a staff member) is named by a digest of the merchant's id
 * and the other's (22 base64url characters, 132 bits), not by the two ids spelled out: every entry carries
 * all three keys, and spelled out they were 130 bytes more of each entry, enough to take one with
 * production-sized ids past 1 KB (two write units). The digest can only be computed from both ids, so such
 * a partition is still reached only through its own merchant.
 */
const scopedDigest = (kind: string, merchantId: string, id: string) =>
  createHash("sha256").update(`${kind}\u0000${merchantId}\u0000${id}`).digest("base64url").slice(0, 22);

export const activityClassPk = (merchantId: string, activityClass: string) =>
  `ACTIVITY#${scopedDigest("class", merchantId, activityClass)}`;

export const locationActivityPk = (merchantId: string, locationId: string) =>
  `LOCATION#${scopedDigest("location", merchantId, locationId)}`;
export const staffActivityPk = (merchantId: string, staffId: string) =>
  `STAFF#${scopedDigest("staff", merchantId, staffId)}`;
/** Sorts by time, then by id so that rows written in the same millisecond keep a stable order. */
export const activitySk = (createdAt: string, id: string) => `${createdAt}#${id}`;
