import { expect } from "vitest";
import { INACTIVITY, isDue, sumPoints } from "../../shared/ledger/lots.ts";
import { verifyLedger } from "../../shared/ledger/read.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { readWholeLedger } from "../../shared/store/ledger/entries.ts";
import { readInactivity } from "../../shared/store/ledger/inactivity.ts";
import { readLots } from "../../shared/store/ledger/lots.ts";

/**
 * The ledger's invariants for one customer, read back from the table (docs/architecture.md, "Points in lots,
 * and expiry"): balance = Σ lots − spent = Σ entries, spent ≥ 0, balance ≥ 0, every lot holds points, the
 * chain verifies, and, once the expiry job has run at `expiredAt`, nothing due by then is left.
 */
export async function expectLedgerInvariants(
  db: Db,
  merchantId: string,
  customerId: string,
  options: { expiredAt?: Date } = {},
): Promise<number> {
  const [customer, lots, entries, chain, deadline] = await Promise.all([
    readCustomer(db, merchantId, customerId),
    readLots(db, merchantId, customerId),
    readWholeLedger(db, merchantId, customerId),
    verifyLedger(db, merchantId, customerId),
    readInactivity(db, merchantId, customerId),
  ]);
  const balance = customer?.balance ?? Number.NaN;
  const spent = customer?.spent ?? 0;
  expect(balance).toBeGreaterThanOrEqual(0);
  expect(spent, "spent ≥ 0").toBeGreaterThanOrEqual(0);
  expect(sumPoints(lots) - spent, "balance = Σ lots − spent").toBe(balance);
  expect(
    entries.reduce((sum, e) => sum + e.points, 0),
    "balance = Σ entries",
  ).toBe(balance);
  for (const lot of lots) expect(lot.points, `lot ${lot.key}`).toBeGreaterThan(0);
  expect(chain).toMatchObject({ valid: true, entries: entries.length });
  if (!deadline)
    expect(
      lots.filter((lot) => lot.key === INACTIVITY),
      "inactivity lot, no deadline",
    ).toEqual([]);
  const { expiredAt } = options;
  if (expiredAt) {
    expect(lots.filter(isDue(expiredAt)), "no dated lot left that the job found due").toEqual([]);
    // A deadline the job found passed is consumed with the lot it expired (or retired, with nothing left).
    if (deadline) {
      expect(deadline.dueAt > expiredAt.toISOString(), `deadline ${deadline.dueAt} left by the job`).toBe(
        true,
      );
    }
  }
  return balance;
}
