import type { IndexName } from "./table-definition.ts";

/**
 * What a store writes into the shared table: each item type it owns, the indexes whose key attributes it
 * sets, and whether it carries the TTL attribute. Every store module exports its list as `STORED_ITEMS`;
 * the table definition names the same item types per index and for TTL, and a test holds the two together
 * (test/unit/layout/stores.test.ts).
 */
export interface StoredItemType {
  /** A short name, e.g. "ledger-entry", "lot". */
  type: string;
  /** The item's sort key, or its shape ("ENTRY#<seq>"), for the reader of the table design. */
  sk: string;
  indexes: readonly IndexName[];
  ttl?: true;
}
