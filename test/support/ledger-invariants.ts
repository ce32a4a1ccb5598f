import { expect } from "vitest";
import { totalPoints } from "../../shared/ledger/lots.ts";
import { verifyLedger } from "../../shared/ledger/read.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { readWholeLedger } from "../../shared/store/ledger/entries.ts";
import { readBuckets } from "../../shared/store/ledger/lots.ts";

/**
 * The ledger's invariants for one customer, read back from the table: the balance equals the points held in
 * lots and the sum of the entries, never goes below zero, every lot holds points, and the chain verifies.
 */
export async function expectLedgerInvariants(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<number> {
  const [customer, buckets, entries, chain] = await Promise.all([
    readCustomer(db, merchantId, customerId),
    readBuckets(db, merchantId, customerId),
    readWholeLedger(db, merchantId, customerId),
    verifyLedger(db, merchantId, customerId),
  ]);
  const balance = customer?.balance ?? Number.NaN;
  expect(balance).toBeGreaterThanOrEqual(0);
  expect(totalPoints(buckets), "balance = points held in lots").toBe(balance);
  expect(
    entries.reduce((sum, e) => sum + e.points, 0),
    "balance = Σ entries",
  ).toBe(balance);
  for (const bucket of buckets) for (const lot of bucket.lots) expect(lot.points).toBeGreaterThan(0);
  expect(chain).toMatchObject({ valid: true, entries: entries.length });
  return balance;
}
