/**
 * The one description of the table. The CDK stack (infra/stack) and the local stack (infra/local)
 * both build their table from it, so the two can never drift apart.
 */

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** ALL copies whole items; KEYS_ONLY, for a pointer index, costs one small write. */
  projection: "ALL" | "KEYS_ONLY";
}

export const TABLE = {
  partitionKey: "pk",
  sortKey: "sk",
  /** Items with this epoch-seconds attribute are removed by DynamoDB TTL (idempotency records). */
  ttlAttribute: "ttl",
  streamView: "NEW_AND_OLD_IMAGES",
  indexes: [
    // Activity of a merchant, newest first, spread over ACTIVITY_SHARDS partitions.
    { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk", projection: "ALL" },
    // Activity of one location, newest first.
    { name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk", projection: "ALL" },
    // Activity of one staff member, newest first.
    { name: "gsi3", partitionKey: "gsi3pk", sortKey: "gsi3sk", projection: "ALL" },
    // A ledger entry by its id (e.g. the purchase a return reverses): points at the entry's key.
    { name: "gsi4", partitionKey: "gsi4pk", sortKey: "gsi4sk", projection: "KEYS_ONLY" },
    // What falls due on a day (expiring batches, inactivity deadlines), sharded: read by the expiry job.
    { name: "gsi5", partitionKey: "gsi5pk", sortKey: "gsi5sk", projection: "KEYS_ONLY" },
  ] satisfies IndexDefinition[],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]["name"];

/** Every key attribute, all strings. */
export function keyAttributes(): string[] {
  return [TABLE.partitionKey, TABLE.sortKey, ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
}
