import { INACTIVITY, type Lot, NEVER } from "../../ledger/lots.ts";
import type { Db } from "../db/client.ts";
import { getItem } from "../db/get-item.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import { queryAll } from "../db/query-all.ts";
import type { NamedItem } from "../db/transact.ts";
import { duePk, dueShard, dueSk } from "./due-index.ts";

/**
 * A customer's lots (see shared/ledger/lots.ts): item `LOTS#<yyyy-mm-dd | inactivity | never>` under the
 * customer. A dated lot carries the due index (gsi5) at its expiry; the inactivity lot is listed there
 * through the customer's deadline (./inactivity.ts).
 */

export const LOT_PREFIX = "LOTS#";
const lotSk = (key: string) => `${LOT_PREFIX}${key}`;
/** After every dated lot's key ("2099-…") and before "inactivity" and "never". */
const LAST_DAY = "9999-12-31";

/** Index keys that put an item on the due list of its day; the due index also lists inactivity deadlines. */
export function dueKeys(merchantId: string, customerId: string, dueAt: string) {
  return {
    gsi5pk: duePk(dueAt.slice(0, 10), dueShard(customerId)),
    gsisk: dueSk(dueAt, merchantId, customerId),
  };
}

export function lotOfItem(item: Record<string, unknown>): Lot {
  return {
    key: String(item.sk).slice(LOT_PREFIX.length),
    points: Number(item.points ?? 0),
    ...(typeof item.expiresAt === "string" ? { expiresAt: item.expiresAt } : {}),
    ...(Array.isArray(item.remindersSent) ? { remindersSent: item.remindersSent as number[] } : {}),
    rev: Number(item.rev ?? 0),
  };
}

export const emptyLot = (key: string): Lot => ({ key, points: 0, rev: 0 });

export async function readLot(db: Db, merchantId: string, customerId: string, key: string): Promise<Lot> {
  const Item = await getItem(
    db,
    { pk: customerPk(merchantId, customerId), sk: lotSk(key) },
    { consistent: true },
  );
  return Item ? lotOfItem(Item) : emptyLot(key);
}

/** What `readLots` reads, soonest-expiring first. */
export interface LotsRead {
  /** At most this many lots. */
  first?: number;
  /** Only lots up to and including this key. */
  through?: string;
  /** Only dated lots (all that sort before inactivity). */
  dated?: boolean;
  /** Only the inactivity and never lots. */
  undated?: boolean;
  /** Only lots after this key. */
  after?: string;
}

/**
 * Lots soonest-expiring first, read consistently: every one (`{}`), or as `options` narrow them (combined:
 * `{ dated: true, after, first }` reads the next `first` dated lots after `after`).
 */
export async function readLots(
  db: Db,
  merchantId: string,
  customerId: string,
  options: LotsRead = {},
): Promise<Lot[]> {
  const through = options.dated ? LAST_DAY : options.undated ? NEVER : options.through;
  // No lot key is the beginning of another, so every key after `after` also sorts after `after~`.
  const from = options.after ? lotSk(`${options.after}~`) : options.undated ? lotSk(INACTIVITY) : LOT_PREFIX;
  const bounded = through !== undefined || from !== LOT_PREFIX;
  const { first } = options;
  const items = await queryAll(
    db,
    {
      KeyConditionExpression: bounded
        ? "pk = :pk AND sk BETWEEN :from AND :to"
        : "pk = :pk AND begins_with(sk, :from)",
      ExpressionAttributeValues: {
        ":pk": customerPk(merchantId, customerId),
        ":from": from,
        ...(bounded ? { ":to": lotSk(through ?? NEVER) } : {}),
      },
      ConsistentRead: true,
      ...(first !== undefined ? { Limit: first } : {}),
    },
    first === undefined ? undefined : (read) => read.length >= first,
  );
  return items.slice(0, first).map(lotOfItem);
}

const lotKey = (merchantId: string, customerId: string, key: string) => ({
  pk: customerPk(merchantId, customerId),
  sk: lotSk(key),
});

/** On condition no other write changed the lot since it was read (its rev only grows, across deletions too). */
const unchanged = (lot: Lot) =>
  lot.rev === 0
    ? { ConditionExpression: "attribute_not_exists(pk)" }
    : { ConditionExpression: "#rev = :rev", ExpressionAttributeValues: { ":rev": lot.rev } };

/**
 * Stores a lot after a credit by the entry `seq` (`read`: the lot as read, rev 0 if it did not exist). An
 * update, not a put: the reminder marks recorded on the lot stay as they are.
 */
export function lotCreditWrite(
  db: Db,
  merchantId: string,
  customerId: string,
  read: Lot,
  after: Lot,
  seq: number,
): NamedItem {
  const condition = unchanged(read);
  const values: Record<string, unknown> = {
    ...condition.ExpressionAttributeValues,
    ":merchantId": merchantId,
    ":customerId": customerId,
    ":points": after.points,
    ":seq": seq,
  };
  const names: Record<string, string> = {
    "#merchantId": "merchantId",
    "#customerId": "customerId",
    "#points": "points",
    "#rev": "rev",
  };
  const sets = ["#merchantId = :merchantId", "#customerId = :customerId", "#points = :points", "#rev = :seq"];
  // The due index follows the lot's expiry; rewritten only when it moves (an index write costs units).
  if (after.expiresAt && after.expiresAt !== read.expiresAt) {
    const due = {
      expiresAt: after.expiresAt,
      dueAt: after.expiresAt,
      ...dueKeys(merchantId, customerId, after.expiresAt),
    };
    for (const [name, value] of Object.entries(due)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
  }
  return {
    name: `lots:${after.key}`,
    item: {
      Update: {
        TableName: db.table,
        Key: lotKey(merchantId, customerId, after.key),
        UpdateExpression: `SET ${sets.join(", ")}`,
        ConditionExpression: condition.ConditionExpression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  };
}

/** Deletes a lot as read (spent in full, or expired), on condition no other write changed it since. */
export function lotDelete(db: Db, merchantId: string, customerId: string, lot: Lot): NamedItem {
  if (lot.rev === 0) throw new Error("deleting a lot that was never read");
  return {
    name: `lots:${lot.key}`,
    item: {
      Delete: {
        TableName: db.table,
        Key: lotKey(merchantId, customerId, lot.key),
        ConditionExpression: "#rev = :rev",
        ExpressionAttributeNames: { "#rev": "rev" },
        ExpressionAttributeValues: { ":rev": lot.rev },
      },
    },
  };
}

export const STORED_ITEMS = [
  { type: "lot", sk: "LOTS#<yyyy-mm-dd | inactivity | never>", indexes: ["gsi5"] },
] as const satisfies readonly StoredItemType[];
