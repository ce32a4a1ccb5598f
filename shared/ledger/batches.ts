import type { Db } from "../db/client.ts";
import { BATCH_PREFIX, batchSk, customerPk, duePk, dueShard, dueSk, inactivitySk } from "../db/keys.ts";
import { queryAll } from "../db/query-all.ts";
import type { TransactItem } from "../idempotent-write.ts";
import type { LedgerEntry } from "../model.ts";

/**
 * Every credit opens a batch; every debit spends batches oldest first. So the balance always equals the
 * batches' remaining points, and expiry can take exactly the points that are due — never points spent
 * already, never points earned later. Spent-out batches are deleted; the ledger keeps the history.
 */
export interface Batch {
  sk: string;
  seq: number;
  entryId: string;
  points: number;
  remaining: number;
  earnedAt: string;
  expiresAt?: string;
  /** Reminder steps (days before expiry) already sent for this batch. */
  remindersSent?: number[];
}

/**
 * Open batches, oldest first. With `enough`, stops once they hold that many points: spending reads only
 * the batches it will spend from, however long the customer's history.
 */
export async function readOpenBatches(
  db: Db,
  merchantId: string,
  customerId: string,
  enough = Number.POSITIVE_INFINITY,
): Promise<Batch[]> {
  const held = (items: readonly Record<string, unknown>[]) =>
    items.reduce((sum, item) => sum + (item.remaining as number), 0);
  return (await queryAll(
    db,
    {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": customerPk(merchantId, customerId), ":prefix": BATCH_PREFIX },
      ConsistentRead: true,
      ...(Number.isFinite(enough) ? { Limit: 10 } : {}),
    },
    (items) => held(items) >= enough,
  )) as unknown as Batch[];
}

/** Index keys that put an item on the due list of its day. */
export function dueKeys(merchantId: string, customerId: string, dueAt: string) {
  return {
    gsi5pk: duePk(dueAt.slice(0, 10), dueShard(customerId)),
    gsi5sk: dueSk(dueAt, merchantId, customerId),
  };
}

export function openBatch(db: Db, entry: LedgerEntry): TransactItem {
  const batch: Batch = {
    sk: batchSk(entry.seq),
    seq: entry.seq,
    entryId: entry.id,
    points: entry.points,
    remaining: entry.points,
    earnedAt: entry.createdAt,
    ...(entry.expiresAt ? { expiresAt: entry.expiresAt } : {}),
  };
  return {
    Put: {
      TableName: db.table,
      Item: {
        pk: customerPk(entry.merchantId, entry.customerId),
        ...batch,
        ...(entry.expiresAt ? dueKeys(entry.merchantId, entry.customerId, entry.expiresAt) : {}),
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** The customer's inactivity deadline moves with every earning; the due index follows it. */
export function inactivityDeadline(db: Db, entry: LedgerEntry, dueAt: string, days: number): TransactItem {
  return {
    Put: {
      TableName: db.table,
      Item: {
        pk: customerPk(entry.merchantId, entry.customerId),
        sk: inactivitySk(),
        dueAt,
        days,
        lastEarnedAt: entry.createdAt,
        ...dueKeys(entry.merchantId, entry.customerId, dueAt),
      },
    },
  };
}

/**
 * Spends `amount` points from the open batches: the ones named in `only` (expiry), or oldest first.
 * Each write is conditional on the remaining points read, so a concurrent spend makes the whole
 * transaction re-plan instead of spending a point twice.
 */
export function spendBatches(
  db: Db,
  merchantId: string,
  customerId: string,
  batches: readonly Batch[],
  amount: number,
  only?: ReadonlySet<string>,
): TransactItem[] {
  const items: TransactItem[] = [];
  let left = amount;
  const key = (sk: string) => ({ pk: customerPk(merchantId, customerId), sk });
  for (const batch of [...batches].sort((a, b) => a.seq - b.seq)) {
    if (left <= 0) break;
    if (only && !only.has(batch.sk)) continue;
    const take = Math.min(left, batch.remaining);
    if (take <= 0) continue;
    left -= take;
    const condition = {
      ConditionExpression: "remaining = :was",
      ExpressionAttributeValues: { ":was": batch.remaining } as Record<string, unknown>,
    };
    if (take === batch.remaining) {
      items.push({ Delete: { TableName: db.table, Key: key(batch.sk), ...condition } });
    } else {
      items.push({
        Update: {
          TableName: db.table,
          Key: key(batch.sk),
          UpdateExpression: "SET remaining = :now",
          ...condition,
          ExpressionAttributeValues: {
            ...condition.ExpressionAttributeValues,
            ":now": batch.remaining - take,
          },
        },
      });
    }
  }
  return items;
}
