import { randomUUID } from "node:crypto";
import { BatchWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { nameTokens } from "../../shared/customers/contact.ts";
import { GENESIS_HASH, hashEntry } from "../../shared/ledger/hash-chain.ts";
import { lotKeyOf } from "../../shared/ledger/lots.ts";
import type { Customer, LedgerEntry } from "../../shared/model.ts";
import { nameIndexChanges } from "../../shared/store/customers/names.ts";
import { chainAdvance, newProfileItem, readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { entryPut } from "../../shared/store/ledger/entries.ts";
import { dueKeys, LOT_PREFIX } from "../../shared/store/ledger/lots.ts";

/**
 * Seeding for the scale cases (test/scale/*) and the bench's scale curves (test/bench/scale.ts): valid items
 * written straight through the store's item builders, 25 a request, as going through the write pipeline would
 * take most of an hour at these sizes.
 */

/** Puts `items` 25 a request, `parallel` requests at a time, until DynamoDB has taken every one. */
export async function batchPut(
  db: Db,
  items: readonly Record<string, unknown>[],
  parallel = 1,
): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] as Record<string, unknown>[];
        let request = { [db.table]: chunk.map((Item) => ({ PutRequest: { Item } })) };
        while (Object.keys(request).length > 0) {
          const { UnprocessedItems } = await db.client.send(new BatchWriteCommand({ RequestItems: request }));
          request = (UnprocessedItems ?? {}) as typeof request;
        }
      }
    }),
  );
}

export const entryItem = (db: Db, entry: LedgerEntry) =>
  (entryPut(db, entry).item.Put as { Item: Record<string, unknown> }).Item;

/**
 * `count` entries of one merchant spread over `customers`, oldest first, from `t0` a minute apart; the rare
 * ones are the 25 oldest: 10 manual (paris, staff_rare), 10 expiry, 5 redemptions (lyon, staff_one). The
 * others are purchases, a fifth at lyon, a seventh by staff_two. Not chained: activity does not read the chain.
 */
export function activityEntries(
  merchantId: string,
  customers: readonly string[],
  count: number,
  t0: number,
): LedgerEntry[] {
  const seqs = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const customerId = customers[i % customers.length] as string;
    const seq = (seqs.get(customerId) ?? 0) + 1;
    seqs.set(customerId, seq);
    const kind =
      i < 10
        ? { type: "manual" as const, points: 5, locationId: "paris", staffId: "staff_rare" }
        : i < 20
          ? { type: "expiry" as const, points: -1 }
          : i < 25
            ? { type: "redemption" as const, points: -10, locationId: "lyon", staffId: "staff_one" }
            : {
                type: "purchase" as const,
                points: 3,
                locationId: i % 5 === 0 ? "lyon" : "paris",
                staffId: i % 7 === 0 ? "staff_two" : "staff_one",
              };
    return {
      id: `txn_${String(i).padStart(6, "0")}`,
      merchantId,
      customerId,
      seq,
      balanceAfter: 100,
      inputs: {},
      explanation: "x",
      createdAt: new Date(t0 + i * 60_000).toISOString(),
      prevHash: "0".repeat(64),
      hash: "1".repeat(64),
      ...kind,
    };
  });
}

/**
 * `count` entries appended to a customer's ledger after its head, chained as the ledger chains them, ending a
 * minute before `now`; the profile follows (seq, head, balance). By default purchases of 12 points with a
 * correction every seventh; with `lotsExpiringAfterDays`, one-point credits a day apart, each in a dated lot of
 * its own expiring that many days after it, as a regular's ledger under a dated policy holds.
 */
export async function appendChainedEntries(
  db: Db,
  merchantId: string,
  customerId: string,
  count: number,
  now: Date,
  options: { lotsExpiringAfterDays?: number; parallel?: number } = {},
): Promise<void> {
  const customer = await readCustomer(db, merchantId, customerId);
  if (!customer) throw new Error("no customer");
  const lotDays = options.lotsExpiringAfterDays;
  const step = lotDays === undefined ? 60_000 : 86_400_000;
  let prevHash = customer.headHash ?? GENESIS_HASH;
  let balance = customer.balance;
  let last: LedgerEntry | undefined;
  const puts: Record<string, unknown>[] = [];
  for (let i = 1; i <= count; i++) {
    const seq = customer.seq + i;
    const points = lotDays !== undefined ? 1 : seq % 7 === 0 ? -Math.min(balance, 30) : 12;
    balance += points;
    const createdAt = new Date(now.getTime() - (count - i) * step).toISOString();
    const draft = {
      id: `txn_${randomUUID()}`,
      merchantId,
      customerId,
      seq,
      type: points < 0 || lotDays !== undefined ? "manual" : "purchase",
      points,
      balanceAfter: balance,
      locationId: "shop",
      staffId: "staff_owner",
      inputs: points < 0 || lotDays !== undefined ? {} : { amount: "12.40", currency: "EUR" },
      explanation:
        points < 0
          ? `Correction: ${points} points`
          : lotDays !== undefined
            ? "Goodwill: 1 point"
            : "12.40 EUR at 1 point per 1.00 EUR, rounded down → 12 points",
      createdAt,
      prevHash,
    };
    const entry = { ...draft, hash: hashEntry(draft) } as unknown as LedgerEntry;
    prevHash = entry.hash;
    last = entry;
    puts.push(entryItem(db, entry));
    if (lotDays !== undefined) {
      const expiresAt = new Date(Date.parse(createdAt) + lotDays * 86_400_000).toISOString();
      // The item a first credit to the lot writes (store/ledger/lots.ts lotCreditWrite).
      puts.push({
        pk: customerPk(merchantId, customerId),
        sk: `${LOT_PREFIX}${lotKeyOf(expiresAt, false)}`,
        merchantId,
        customerId,
        points: 1,
        rev: seq,
        expiresAt,
        dueAt: expiresAt,
        ...dueKeys(merchantId, customerId, expiresAt),
      });
    }
  }
  await batchPut(db, puts, options.parallel);
  if (last) await db.client.send(new UpdateCommand(chainAdvance(db, customer, last).item.Update as never));
}

/**
 * The items enrolment writes for a customer named `name` (profile and name index), without its welcome entry,
 * contacts or pass: enough for name search and the profile reads that follow it.
 */
export function namedCustomerItems(
  db: Db,
  merchantId: string,
  id: string,
  name: string,
  at: Date,
): Record<string, unknown>[] {
  const customer: Customer = {
    merchantId,
    id,
    name,
    locale: "fr",
    marketingConsent: false,
    barcode: id.toUpperCase(),
    passSerial: `pass_${id}`,
    passToken: "t",
    balance: 0,
    seq: 0,
    headHash: "0".repeat(64),
    lastVisits: {},
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  };
  return [newProfileItem(db, customer), ...nameIndexChanges(db, merchantId, id, [], nameTokens(name))].map(
    (named) => (named.item.Put as { Item: Record<string, unknown> }).Item,
  );
}
