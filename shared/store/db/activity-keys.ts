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

export const activityClassPk = (merchantId: string, activityClass: string) =>
  `MERCHANT#${merchantId}#ACTIVITY#${activityClass}`;
export const locationActivityPk = (merchantId: string, locationId: string) =>
  `MERCHANT#${merchantId}#LOCATION#${locationId}#ACTIVITY`;
export const staffActivityPk = (merchantId: string, staffId: string) =>
  `MERCHANT#${merchantId}#STAFF#${staffId}#ACTIVITY`;
/** Sorts by time, then by id so that rows written in the same millisecond keep a stable order. */
export const activitySk = (createdAt: string, id: string) => `${createdAt}#${id}`;
