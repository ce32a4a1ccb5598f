import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../shared/errors.ts";
import { runExpiry } from "../../shared/expiry/run.ts";
import { MAX_EXPIRED_PER_WRITE } from "../../shared/ledger/lots.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import { readWholeLedger } from "../../shared/store/ledger/entries.ts";
import { readLots } from "../../shared/store/ledger/lots.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import { expectLedgerInvariants } from "../support/ledger-invariants.ts";
import { DAY, longLivedWorld } from "../support/long-lived-customer.ts";

/**
 * Long-lived customers and the expiry job: thousands of lots falling due at once, and random operations on a
 * customer with 2,000 lots. The debit's side is in long-lived-debit.test.ts. `npm run test:scale`; CI runs it
 * after `npm test`.
 */

const BATCHES = Number(process.env.SCALE_BATCHES ?? 10_000);
const { world, deps, onItsOwnDatabase, merchant, customer, credits, purchase } = longLivedWorld();

describe("the expiry job with a 10,000-credit customer among ordinary ones", () => {
  onItsOwnDatabase();
  it("expires everyone due, the regular's 10,000 credits over 200 days' lots in chained entries", async () => {
    world.now = new Date("2030-01-01T09:00:00.000Z");
    const owner = await merchant({ kind: "rolling", days: 30 });
    const regular = await customer(owner);
    await credits(owner, regular, BATCHES, Math.floor((200 * DAY) / BATCHES));
    const dueLots = (await readLots(world.db, owner.merchantId, regular)).length;
    expect(dueLots).toBeGreaterThan(MAX_EXPIRED_PER_WRITE * 2);
    const ordinary: string[] = [];
    for (let i = 0; i < 12; i++) {
      const c = await customer(owner);
      await purchase(owner, c);
      ordinary.push(c);
    }
    world.now = new Date(world.now.getTime() + 31 * DAY);
    const result = await runExpiry(deps(), { now: world.now, lookbackDays: 300 });
    expect(result).toMatchObject({ complete: true, customersFailed: 0, customersExpired: 13 });
    expect(result.pointsExpired).toBe(BATCHES + 12 * 12);
    expect(result.lotsExpired).toBe(dueLots + 12);
    // One entry per write of at most MAX_EXPIRED_PER_WRITE lots, all in this run.
    const expiries = (await readWholeLedger(world.db, owner.merchantId, regular)).filter(
      (e) => e.type === "expiry",
    );
    expect(expiries).toHaveLength(Math.ceil(dueLots / MAX_EXPIRED_PER_WRITE));
    for (const c of [regular, ...ordinary]) {
      expect((await readCustomer(world.db, owner.merchantId, c))?.balance).toBe(0);
      await expectLedgerInvariants(world.db, owner.merchantId, c);
    }
  });
});

describe("random operations on a customer with 2,000 lots", () => {
  onItsOwnDatabase();
  it("keep balance = Σ lots − spent = Σ entries, nothing due left by the job, and the chain after every step", async () => {
    world.now = new Date("2040-01-01T09:00:00.000Z");
    const owner = await merchant({ kind: "rolling", days: 3_000 });
    const c = await customer(owner);
    await credits(owner, c, 2_000, DAY);
    let lastRun: Date | undefined;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.integer({ min: -3_000, max: 500 }).filter((n) => n !== 0),
            fc.constant("purchase" as const),
            fc.integer({ min: 1, max: 400 }).map((days) => ({ wait: days })),
          ),
          { minLength: 3, maxLength: 8 },
        ),
        async (steps) => {
          for (const s of steps) {
            try {
              if (s === "purchase") await purchase(owner, c);
              else if (typeof s === "number")
                await adjustPoints(deps(), owner, c, { points: s, reason: "correction" }, randomUUID());
              else {
                world.now = new Date(world.now.getTime() + s.wait * DAY);
                await runExpiry(deps(), { now: world.now, lookbackDays: 500 });
                lastRun = world.now;
              }
            } catch (error) {
              if (!(error instanceof DomainError && error.kind === "conflict")) throw error;
            }
            await expectLedgerInvariants(world.db, owner.merchantId, c, { expiredAt: lastRun });
          }
        },
      ),
      { numRuns: 6 },
    );
  });
});
