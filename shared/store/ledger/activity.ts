import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import type { LedgerEntry } from "../../model.ts";
import { ACTIVITY_SHARDS, activityPk, locationActivityPk, staffActivityPk } from "../db/activity-keys.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import { keyAttributes } from "../db/table-definition.ts";
import { ENTRY_PREFIX } from "./entries.ts";

/**
 * The activity log's reads: newest-first streams of ledger entries, from an activity index partition
 * (merchant shard, location or staff member, whose keys shared/store/ledger/entries.ts writes) or from one
 * customer's own ledger. The activity log (shared/activity/list.ts) merges several of them.
 */

export interface ActivitySource {
  id: string;
  /** True when the time range is part of the key condition (index sources) rather than a filter. */
  rangeInKey: boolean;
  /** The key attributes that position a query in this source (its ExclusiveStartKey). */
  keyAttributes: readonly string[];
  query(range: TimeRange): Omit<QueryCommandInput, "FilterExpression" | "ExclusiveStartKey" | "Limit">;
}

export interface TimeRange {
  from?: string;
  to?: string;
}

/** Where a source stands: the key of an entry, to read on after it. Opaque to the caller. */
export type ActivityPosition = Record<string, string>;

/** What the source's key condition does not select, as built by shared/activity/filters.ts. */
export interface ActivityFilter {
  FilterExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
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

export interface ActivityRow {
  entry: LedgerEntry;
  /** The source's position once this entry is handed out. */
  position: ActivityPosition;
}

export interface ActivityRead {
  rows: ActivityRow[];
  /** Where the source stands after everything read (filtered-out entries included); "done" when it has no more. */
  end: ActivityPosition | "done";
}

/** Reads one source from `start` until `limit` entries match the filter or it runs out. */
export async function readActivity(
  db: Db,
  source: ActivitySource,
  start: ActivityPosition | undefined,
  filter: ActivityFilter,
  range: TimeRange,
  limit: number,
): Promise<ActivityRead> {
  const base = source.query(range);
  // DynamoDB refuses an empty name or value map, so each is sent only when something is in it.
  const names = { ...base.ExpressionAttributeNames, ...filter.ExpressionAttributeNames };
  const values = { ...base.ExpressionAttributeValues, ...filter.ExpressionAttributeValues };
  const keys = new Set(keyAttributes());
  const rows: ActivityRow[] = [];
  let startKey: Record<string, unknown> | undefined = start;
  do {
    const page: QueryCommandOutput = await db.client.send(
      new QueryCommand({
        ...base,
        ...(filter.FilterExpression ? { FilterExpression: filter.FilterExpression } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ExclusiveStartKey: startKey,
        Limit: limit,
      }),
    );
    for (const item of page.Items ?? []) {
      rows.push({
        entry: Object.fromEntries(
          Object.entries(item).filter(([name]) => !keys.has(name)),
        ) as unknown as LedgerEntry,
        position: Object.fromEntries(source.keyAttributes.map((name) => [name, String(item[name])])),
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && rows.length < limit);
  return { rows, end: startKey ? (startKey as ActivityPosition) : "done" };
}

/** Reads only: the entries and their index keys are written by shared/store/ledger/entries.ts. */
export const STORED_ITEMS = [] as const satisfies readonly StoredItemType[];
