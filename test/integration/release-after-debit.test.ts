import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../shared/auth/principal.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { upcomingExpiries } from "../../shared/expiry/upcoming.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { readLots } from "../../shared/store/ledger/lots.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import { expectLedgerInvariants } from "../support/ledger-invariants.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { testDb } from "../support/test-stack.ts";

/**
 * A debit covering more lots than it deletes itself (20) chains release writes for the rest
 * (shared/pipeline/ledger-write.ts), so no lot spent in full stays at the front for the pass and GET /v1/me
 * to read through (issue 19). The scale side, read counts at 150 and 2,000 lots, is
 * test/scale/pass-reads-after-debit.test.ts.
 */

const DAY = 86_400_000;
let db: Db;
let now = new Date("2026-01-01T09:00:00.000Z");
const deps = () => ({ db, clock: () => now });
let owner: Principal;

beforeAll(async () => {
  db = await testDb();
  const expiry = { kind: "rolling", days: 9_000 } as const;
  owner = await merchantWithLocations(
    db,
    now,
    { shop: { rule: { kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: 0 }, expiry } },
    expiry,
  );
});

async function customerWithLots(lots: number) {
  const customerId = (await enrolCustomer(deps(), owner.merchantId, { name: "Regular" })).result.customer
    .id as string;
  for (let i = 0; i < lots; i++) {
    now = new Date(now.getTime() + DAY);
    await adjustPoints(deps(), owner, customerId, { points: 1, reason: "goodwill" }, randomUUID());
  }
  return customerId;
}

describe("a debit covering more lots than it deletes itself", () => {
  it("leaves only lots with points left, and the ledger adds up", { timeout: 120_000 }, async () => {
    const customerId = await customerWithLots(110);
    const key = randomUUID();
    const debit = () => adjustPoints(deps(), owner, customerId, { points: -100, reason: "correction" }, key);
    expect((await debit()).result.transaction.balanceAfter).toBe(10);
    const lots = await readLots(db, owner.merchantId, customerId);
    // 20 deleted by the debit, the other 80 by one chained write (the next finds none covered).
    expect(lots).toHaveLength(10);
    expect((await readCustomer(db, owner.merchantId, customerId))?.spent ?? 0).toBe(0);
    expect(await expectLedgerInvariants(db, owner.merchantId, customerId)).toBe(10);
    const soonest = await upcomingExpiries(db, owner.merchantId, customerId, now);
    expect(soonest[0]).toMatchObject({ expiresAt: lots[0]?.expiresAt, points: 1 });

    // A replay of the debit writes nothing, the chain included.
    const replay = await debit();
    expect(replay.replayed).toBe(true);
    expect(await readLots(db, owner.merchantId, customerId)).toEqual(lots);
    expect(await expectLedgerInvariants(db, owner.merchantId, customerId)).toBe(10);
  });

  it("of exactly the 20 it deletes chains nothing more", { timeout: 60_000 }, async () => {
    const customerId = await customerWithLots(25);
    await adjustPoints(deps(), owner, customerId, { points: -20, reason: "correction" }, randomUUID());
    expect(await readLots(db, owner.merchantId, customerId)).toHaveLength(5);
    expect(await expectLedgerInvariants(db, owner.merchantId, customerId)).toBe(5);
  });
});
