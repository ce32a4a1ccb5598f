import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import type { LedgerEntry } from "../../model.ts";
import { activityClassPk, locationActivityPk, staffActivityPk } from "../db/activity-keys.ts";
import { batchGet } from "../db/batch-get.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import { keyAttributes, TABLE } from "../db/table-definition.ts";
import { ENTRY_PREFIX } from "./entries.ts";

/**
 * The activity log's reads: newest-first streams of ledger entries, from an activity index partition
 * (merchant and class, location or staff member, whose keys shared/store/ledger/entries.ts writes) or from
 * one customer's own ledger. The activity log (shared/activity/list.ts) merges several of them; what an
 * index does not copy whole is then read by key (readWholeEntries).
 */

export interface ActivitySource {
  id: string;
  /** True when the time range is part of the key condition (index sources) rather than a filter. */
  rangeInKey: boolean;
  /** True when what the query returns is the whole entry; otherwise the entries are read by key after. */
  whole: boolean;
  /** The key attributes that position a query in this source (its ExclusiveStartKey). */
  keyAttributes: readonly string[];
  /** The key attribute the source is sorted by. */
  sortKey: string;
  /** "<createdAt>#<id>" of an item read: how far the source has been searched. */
  sortValue(item: Record<string, unknown>): string;
  query(range: TimeRange): Omit<QueryCommandInput, "ExclusiveStartKey" | "Limit">;
}

export interface TimeRange {
  from?: string;
  to?: string;
}

/** Where a source stands: the key of an entry, to read on after it. Opaque to the caller. */
export type ActivityPosition = Record<string, string>;

/**
 * A position just above a row (newest first, the next read starts with that row itself): the key need not
 * exist, it only bounds what comes next, so entries written after it are never read from there.
 */
export const positionAbove = (
  source: ActivitySource,
  row: { position: ActivityPosition },
): ActivityPosition => ({
  ...row.position,
  [source.sortKey]: `${row.position[source.sortKey]}\u0000`,
});

type ActivityIndex = "gsi2" | "gsi3" | "gsi5";

function indexSource(db: Db, id: string, index: ActivityIndex, partition: string): ActivitySource {
  const definition = TABLE.indexes.find((i) => i.name === index);
  if (!definition) throw new Error(`no index ${index}`);
  const { partitionKey: pkName, sortKey: skName } = definition;
  return {
    id,
    keyAttributes: ["pk", "sk", pkName, skName],
    sortKey: skName,
    rangeInKey: true,
    whole: definition.projection === "ALL",
    sortValue: (item) => String(item[skName]),
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

/** One activity class of the merchant (shared/store/db/activity-keys.ts): keys only. */
export const classSource = (db: Db, merchantId: string, activityClass: string) =>
  indexSource(db, `class:${activityClass}`, "gsi5", activityClassPk(merchantId, activityClass));

export const locationSource = (db: Db, merchantId: string, locationId: string) =>
  indexSource(db, `location:${locationId}`, "gsi2", locationActivityPk(merchantId, locationId));

/** A staff member's entries, with the attributes the filters test (gsi3 INCLUDE). */
export const staffSource = (db: Db, merchantId: string, staffId: string) =>
  indexSource(db, `staff:${staffId}`, "gsi3", staffActivityPk(merchantId, staffId));

export function customerSource(db: Db, merchantId: string, customerId: string): ActivitySource {
  return {
    id: `customer:${customerId}`,
    keyAttributes: ["pk", "sk"],
    sortKey: "sk",
    rangeInKey: false,
    whole: true,
    sortValue: (item) => `${item.createdAt}#${item.id}`,
    query: () => ({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": customerPk(merchantId, customerId), ":prefix": ENTRY_PREFIX },
      ScanIndexForward: false,
    }),
  };
}

export interface ActivityRow {
  /** The item as the source returned it: the whole entry, or its keys and filter attributes. */
  item: Record<string, unknown>;
  sortValue: string;
  /** The source's position once this entry is handed out. */
  position: ActivityPosition;
}

export interface ActivityRead {
  rows: ActivityRow[];
  /** Where the source stands after everything read (filtered-out entries included); "done" when it has no more. */
  end: ActivityPosition | "done";
  /** The sort value of the oldest item examined, when the source has more: it was searched down to there. */
  frontier?: string;
}

/**
 * Reads one source from `start`, newest first, until `limit` items pass `accept`, the source runs out, or
 * `budget` items have been examined, whichever comes first.
 */
export async function readActivity(
  db: Db,
  source: ActivitySource,
  start: ActivityPosition | undefined,
  read: {
    range: TimeRange;
    limit: number;
    budget: number;
    /** Undefined when every item of the source matches. */
    accept?: (item: Record<string, unknown>) => boolean;
  },
): Promise<ActivityRead> {
  const base = source.query(read.range);
  const rows: ActivityRow[] = [];
  let examined = 0;
  let frontier: string | undefined;
  let startKey: Record<string, unknown> | undefined = start;
  do {
    const wanted = read.limit - rows.length;
    // Filtered reads take larger pages: most of what they examine may be left out.
    const pageSize = Math.min(read.budget - examined, read.accept ? Math.max(wanted, 100) : wanted);
    const page: QueryCommandOutput = await db.client.send(
      new QueryCommand({ ...base, ExclusiveStartKey: startKey, Limit: pageSize }),
    );
    for (const item of page.Items ?? []) {
      examined++;
      frontier = source.sortValue(item);
      if (read.accept && !read.accept(item)) continue;
      rows.push({
        item,
        sortValue: frontier,
        position: Object.fromEntries(source.keyAttributes.map((name) => [name, String(item[name])])),
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && rows.length < read.limit && examined < read.budget);
  return startKey ? { rows, end: startKey as ActivityPosition, frontier } : { rows, end: "done" };
}

const KEY_ATTRIBUTES = new Set(keyAttributes());
const withoutKeys = (item: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.has(name)),
  ) as unknown as LedgerEntry;

/**
 * The whole entries for rows read from any source, in their order: one BatchGet for those an index did not
 * copy whole (a page holds at most 100 rows, BatchGet's own limit).
 */
export async function readWholeEntries(
  db: Db,
  rows: readonly { item: Record<string, unknown>; whole: boolean }[],
): Promise<LedgerEntry[]> {
  const wanted = rows
    .filter((row) => !row.whole)
    .map((row) => ({ pk: String(row.item.pk), sk: String(row.item.sk) }));
  const found = wanted.length > 0 ? await batchGet(db, wanted) : new Map<string, Record<string, unknown>>();
  return rows.flatMap((row) => {
    const item = row.whole ? row.item : found.get(`${row.item.pk}|${row.item.sk}`);
    // An entry is never deleted, so an index key always finds its entry.
    return item ? [withoutKeys(item)] : [];
  });
}

/** Reads only: the entries and their index keys are written by shared/store/ledger/entries.ts. */
export const STORED_ITEMS = [] as const satisfies readonly StoredItemType[];
