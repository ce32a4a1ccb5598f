import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ExpiryPolicy } from "../../shared/expiry/policy.ts";
import {
  held,
  MAX_EXPIRED_PER_WRITE,
  MAX_RELEASE_WRITES_AFTER_DEBIT,
  MAX_RELEASED_PER_DEBIT,
} from "../../shared/ledger/lots.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import { readLots } from "../../shared/store/ledger/lots.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import { meterCapacity } from "../support/capacity-meter.ts";
import { expectLedgerInvariants } from "../support/ledger-invariants.ts";
import { DAY, longLivedWorld } from "../support/long-lived-customer.ts";

/**
 * The customers a loyalty program exists for: thousands of credits over years. Every write must stay within
 * DynamoDB's 100 items per transaction and its cost must not grow with the history (docs/architecture.md,
 * "Points in lots, and expiry"). The expiry job's side is in long-lived-expiry.test.ts. `npm run test:scale`;
 * CI runs it after `npm test`.
 */

const BATCHES = Number(process.env.SCALE_BATCHES ?? 10_000);
const { world, deps, onItsOwnDatabase, merchant, customer, credits, purchase } = longLivedWorld();

describe("a customer with 10,000 credits over ten years of expiry dates", () => {
  onItsOwnDatabase();
  it("spends the whole balance in one debit, within DynamoDB's transaction limit", async () => {
    const owner = await merchant({ kind: "rolling", days: 3_650 });
    const c = await customer(owner);
    // Ten years of credits: their expiry days spread over the policy's whole horizon.
    await credits(owner, c, BATCHES, Math.floor((3_640 * DAY) / BATCHES));
    const lots = await readLots(world.db, owner.merchantId, c);
    expect(lots.length).toBeGreaterThan(Math.min(BATCHES, 3_000) * 0.9);
    expect(await expectLedgerInvariants(world.db, owner.merchantId, c)).toBe(BATCHES);

    const debit = await adjustPoints(
      deps(),
      owner,
      c,
      { points: -BATCHES, reason: "correction" },
      randomUUID(),
    );
    expect(debit.result.transaction.balanceAfter).toBe(0);
    // The debit deleted the soonest 20 lots it covers, and its chained release writes (each bounded) a
    // bounded number more; the rest stays charged to `spent`, for the next debit to go on with.
    const after = await readLots(world.db, owner.merchantId, c);
    expect(after.length).toBe(
      Math.max(
        lots.length - MAX_RELEASED_PER_DEBIT - MAX_RELEASE_WRITES_AFTER_DEBIT * MAX_EXPIRED_PER_WRITE,
        0,
      ),
    );
    expect(
      held(after, (await readCustomer(world.db, owner.merchantId, c))?.spent ?? 0).every((h) => h.left === 0),
    ).toBe(true);
    expect(await expectLedgerInvariants(world.db, owner.merchantId, c)).toBe(0);
  });
});

describe("write units per earn", () => {
  onItsOwnDatabase();
  it("are the same at 10 and at 2,000 entries of history", async () => {
    world.now = new Date("2034-01-01T09:00:00.000Z");
    const meter = meterCapacity(world.db);
    for (const expiry of [{ kind: "none" }, { kind: "rolling", days: 365 }] satisfies ExpiryPolicy[]) {
      const owner = await merchant(expiry);
      const c = await customer(owner);
      await credits(owner, c, 10, DAY);
      const young = await meter.measure(() => purchase(owner, c));
      await credits(owner, c, 1_990, DAY);
      const old = await meter.measure(() => purchase(owner, c));
      // An earn writes the one lot of its expiry day, whose size does not depend on the history.
      expect(old.writeUnits).toBe(young.writeUnits);
      // Issue 19's target, reached once no index by id was written (12 and 16 before; 20 and 24 when the
      // activity indexes copied entries whole). Table and index by index: earn-write-units.test.ts.
      expect(old.writeUnits).toBeLessThanOrEqual(10);
      console.log(
        `write units per earn, ${expiry.kind}: ${young.writeUnits} at 10 entries, ${old.writeUnits} at 2,000`,
      );
    }
  });
});
