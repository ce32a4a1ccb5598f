import { activityTypesOf } from "../ledger/entry-types.ts";
import type { EntryType } from "../model.ts";

/** Activity types a merchant filters by; "issued" is every entry that gave points. */
export const ACTIVITY_TYPES = ["issued", "manual", "redeemed", "refunded", "reversed", "expired"] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** What a source's key does not already select. */
export interface FilterParts {
  types?: readonly ActivityType[];
  staffId?: string;
  customerIds?: readonly string[];
  /** Locations a restricted staff member may see, when the source itself does not limit it. */
  locationIds?: readonly string[];
  /** createdAt bounds, for sources whose key does not carry the time. */
  from?: string;
  to?: string;
}

/** The attributes the filters test: an index that projects them can be filtered before entries are read. */
export interface FilterableEntry {
  type: EntryType;
  points: number;
  staffId?: string;
  customerId: string;
  locationId?: string;
  createdAt: string;
}

/**
 * Whether an entry passes the filters. Tested on what was read rather than sent as a DynamoDB
 * FilterExpression: reads cost the same either way (DynamoDB charges items examined), and the reader then
 * knows how far it searched, filtered-out entries included.
 */
export function matchesFilters(parts: FilterParts, entry: FilterableEntry): boolean {
  if (parts.types?.length) {
    const listed = activityTypesOf(entry);
    if (!parts.types.some((type) => listed.includes(type))) return false;
  }
  if (parts.staffId && entry.staffId !== parts.staffId) return false;
  if (parts.customerIds && !parts.customerIds.includes(entry.customerId)) return false;
  if (parts.locationIds && !(entry.locationId && parts.locationIds.includes(entry.locationId))) return false;
  if (parts.from && entry.createdAt < parts.from) return false;
  if (parts.to && entry.createdAt > parts.to) return false;
  return true;
}

/** True when the filters select nothing beyond the source's key. */
export const filtersNothing = (parts: FilterParts) =>
  !parts.types?.length &&
  !parts.staffId &&
  !parts.customerIds &&
  !parts.locationIds &&
  !parts.from &&
  !parts.to;
