import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { decodeTime } from "ulidx";
import type { StoredEntry } from "../../ledger/hash-chain.ts";
import type { LedgerEntry } from "../../model.ts";
import {
  ACTIVITY_CLASSES,
  activityClassOf,
  activityClassPk,
  activitySk,
  locationActivityPk,
  staffActivityPk,
} from "../db/activity-keys.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { numberedPage } from "../db/numbered-page.ts";
import { customerPk } from "../db/partitions.ts";
import { queryAll } from "../db/query-all.ts";
import type { NamedItem } from "../db/transact.ts";

/**
 * Ledger entries: `ENTRY#<seq>` under the customer, never changed once written. Each is indexed for the
 * merchant's activity by class (gsi5, keys only), its location's (gsi2), its staff member's (gsi3, with the
 * attributes activity filters test). An entry is found by id through the class index too: its id is minted
 * at its `createdAt` (shared/ids.ts), so the id alone gives its sort key there.
 */

export const SEQ_DIGITS = 10;
export const ENTRY_PREFIX = "ENTRY#";
export const entrySk = (seq: number) => `ENTRY#${String(seq).padStart(SEQ_DIGITS, "0")}`;

export function entryPut(db: Db, entry: LedgerEntry): NamedItem {
  const sk = activitySk(entry.createdAt, entry.id);
  return {
    name: "entry",
    item: {
      Put: {
        TableName: db.table,
        Item: {
          ...entry,
          pk: customerPk(entry.merchantId, entry.customerId),
          sk: entrySk(entry.seq),
          ...(entry.locationId ? { gsi2pk: locationActivityPk(entry.merchantId, entry.locationId) } : {}),
          ...(entry.staffId ? { gsi3pk: staffActivityPk(entry.merchantId, entry.staffId) } : {}),
          gsi5pk: activityClassPk(entry.merchantId, activityClassOf(entry)),
          // The one sort key of all three indexes (shared/store/db/table-definition.ts).
          gsisk: sk,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

/** A page of a customer's entries, newest first, before the cursor's seq. */
export async function pageEntries(
  db: Db,
  merchantId: string,
  customerId: string,
  page: { limit: number; cursor?: string },
): Promise<{ entries: LedgerEntry[]; nextCursor: string | null }> {
  const result = await numberedPage(db, entrySource(merchantId, customerId), page);
  return { entries: result.items as unknown as LedgerEntry[], nextCursor: result.nextCursor };
}

export const entrySource = (merchantId: string, customerId: string) => ({
  pk: customerPk(merchantId, customerId),
  prefix: ENTRY_PREFIX,
  skOf: entrySk,
  digits: SEQ_DIGITS,
  numberOf: (item: Record<string, unknown>) => item.seq as number,
});

/** Every entry of a customer, oldest first, storage attributes included. */
export async function readWholeLedger(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<StoredEntry[]> {
  return (await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": customerPk(merchantId, customerId), ":prefix": ENTRY_PREFIX },
    ConsistentRead: true,
  })) as StoredEntry[];
}

/** One entry of a customer, by its place in the chain; read consistently, as it may be a moment old. */
export async function readEntry(
  db: Db,
  merchantId: string,
  customerId: string,
  seq: number,
): Promise<StoredEntry | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: customerPk(merchantId, customerId), sk: entrySk(seq) },
      ConsistentRead: true,
    }),
  );
  return Item as StoredEntry | undefined;
}

/** The class index's sort key of the entry with this id, from the time its ULID carries. */
function sortKeyOfId(entryId: string): string | undefined {
  const ulid = /^[a-z]+_([0-9A-HJKMNP-TV-Z]{26})$/.exec(entryId)?.[1];
  if (!ulid) return undefined;
  const at = new Date(decodeTime(ulid));
  return Number.isNaN(at.getTime()) ? undefined : activitySk(at.toISOString(), entryId);
}

/**
 * An entry by its id, within one merchant: its key from the class index (gsi5), where its sort key is known
 * from the id, looked up first in the class the caller expects (a purchase, for a return), then in the others
 * at once, so that an entry of another type is still found (and refused by its type, not as missing). The
 * index is eventually consistent (milliseconds); the entry itself is then read consistently.
 */
export async function findEntryById(
  db: Db,
  merchantId: string,
  entryId: string,
  expected?: { type: LedgerEntry["type"]; points: number },
): Promise<StoredEntry | undefined> {
  const sk = sortKeyOfId(entryId);
  if (!sk) return undefined;
  const keyIn = async (activityClass: string) => {
    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: "gsi5",
        KeyConditionExpression: "gsi5pk = :pk AND gsisk = :sk",
        ExpressionAttributeValues: { ":pk": activityClassPk(merchantId, activityClass), ":sk": sk },
      }),
    );
    return Items[0];
  };
  const first = expected ? activityClassOf(expected) : undefined;
  const key =
    (first ? await keyIn(first) : undefined) ??
    (await Promise.all(ACTIVITY_CLASSES.filter((c) => c !== first).map(keyIn))).find(Boolean);
  if (!key) return undefined;
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
  );
  return Item as StoredEntry | undefined;
}

export const STORED_ITEMS = [
  { type: "ledger-entry", sk: "ENTRY#<seq>", indexes: ["gsi2", "gsi3", "gsi5"] },
] as const satisfies readonly StoredItemType[];
