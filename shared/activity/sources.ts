import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import {
  ACTIVITY_SHARDS,
  activityPk,
  customerPk,
  ENTRY_PREFIX,
  locationActivityPk,
  staffActivityPk,
} from "../db/keys.ts";

/**
 * One newest-first stream of ledger entries: an activity index partition (merchant shard, location or
 * staff member) or one customer's own ledger. The activity log merges several of them.
 */
export interface ActivitySource {
  id: string;
  /** The key attributes that position a query in this source (its ExclusiveStartKey). */
  keyAttributes: readonly string[];
  /** True when the time range is part of the key condition (index sources) rather than a filter. */
  rangeInKey: boolean;
  query(range: TimeRange): Omit<QueryCommandInput, "FilterExpression" | "ExclusiveStartKey" | "Limit">;
}

export interface TimeRange {
  from?: string;
  to?: string;
}

function indexSource(db: Db, id: string, index: "gsi1" | "gsi2" | "gsi3", partition: string): ActivitySource {
  const pkName = `${index}pk`;
  const skName = `${index}sk`;
  return {
    id,
    keyAttributes: ["pk", "sk", pkName, skName],
    rangeInKey: true,
    query: ({ from, to }) => {
      // Index sort keys are "<createdAt>#<entryId>": ISO times compare as strings. ("0" sorts before
      // any ISO time; DynamoDB refuses an empty string in a key condition.)
      const lower = from ?? "0";
      const upper = `${to ?? "9999"}#\uffff`;
      return {
        TableName: db.table,
        IndexName: index,
        KeyConditionExpression: `#pk = :pk AND #sk BETWEEN :lower AND :upper`,
        ExpressionAttributeNames: { "#pk": pkName, "#sk": skName },
        ExpressionAttributeValues: { ":pk": partition, ":lower": lower, ":upper": upper },
        ScanIndexForward: false,
      };
    },
  };
}

export const merchantShardSources = (db: Db, merchantId: string): ActivitySource[] =>
  Array.from({ length: ACTIVITY_SHARDS }, (_, shard) =>
    indexSource(db, `shard:${shard}`, "gsi1", activityPk(merchantId, shard)),
  );

export const locationSource = (db: Db, merchantId: string, locationId: string) =>
  indexSource(db, `location:${locationId}`, "gsi2", locationActivityPk(merchantId, locationId));

export const staffSource = (db: Db, merchantId: string, staffId: string) =>
  indexSource(db, `staff:${staffId}`, "gsi3", staffActivityPk(merchantId, staffId));

export function customerSource(db: Db, merchantId: string, customerId: string): ActivitySource {
  return {
    id: `customer:${customerId}`,
    keyAttributes: ["pk", "sk"],
    rangeInKey: false,
    query: () => ({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": customerPk(merchantId, customerId), ":prefix": ENTRY_PREFIX },
      ScanIndexForward: false,
    }),
  };
}
