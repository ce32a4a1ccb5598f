import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import type { Principal } from "../../shared/auth/principal.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { DomainError } from "../../shared/errors.ts";
import { runExpiry } from "../../shared/expiry/run.ts";
import { redeemReward } from "../../shared/redemptions/redeem.ts";
import { refundRedemption } from "../../shared/redemptions/refund.ts";
import { createReward } from "../../shared/rewards/catalogue.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import { reversePurchase } from "../../shared/transactions/reverse.ts";
import { expectLedgerInvariants } from "../support/ledger-invariants.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { testDb } from "../support/test-stack.ts";

/**
 * Randomised sequences of every balance-changing operation, through the real write pipeline and DynamoDB
 * Local, with the clock moving so that points expire along the way. After every step the invariants hold
 * (test/support/ledger-invariants.ts). A refused operation (balance too low, returned in full) must leave
 * everything as it was, which the next check proves as well.
 */

type Step =
  | { op: "purchase"; cents: number }
  | { op: "visit" }
  | { op: "manual"; points: number }
  | { op: "redeem" }
  | { op: "refund"; pick: number }
  | { op: "return"; pick: number; part: number }
  | { op: "wait"; days: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant("purchase" as const), cents: fc.integer({ min: 1, max: 9_999 }) }),
  fc.record({ op: fc.constant("visit" as const) }),
  fc.record({
    op: fc.constant("manual" as const),
    points: fc.integer({ min: -60, max: 60 }).filter((n) => n !== 0),
  }),
  fc.record({ op: fc.constant("redeem" as const) }),
  fc.record({ op: fc.constant("refund" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("return" as const), pick: fc.nat(), part: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ op: fc.constant("wait" as const), days: fc.integer({ min: 1, max: 45 }) }),
);

let db: Db;
let now = new Date("2026-01-01T09:00:00.000Z");
const deps = () => ({ db, clock: () => now });
let owner: Principal;
let rewardId: string;

beforeAll(async () => {
  db = await testDb();
  owner = await merchantWithLocations(
    db,
    now,
    {
      shop: {
        rule: { kind: "purchase", currency: "EUR", points: 3, per: "1.00", rounding: "nearest" },
        expiry: { kind: "rolling", days: 30 },
      },
      cafe: {
        rule: { kind: "visit", pointsPerVisit: 7, minMinutesBetweenVisits: 0 },
        expiry: { kind: "rolling", days: 60 },
      },
    },
    { kind: "rolling", days: 20 },
  );
  const reward = await createReward(
    deps(),
    owner,
    {
      programId: "prog-shop",
      name: "Cake",
      points: 40,
      issuer: "internal",
      discount: { kind: "free_product", product: "Cake" },
    },
    randomUUID(),
  );
  rewardId = reward.result.reward.id;
});

/** Runs one step; a refusal the domain explains (409, 400) is an expected outcome, anything else fails. */
async function apply(
  customerId: string,
  s: Step,
  made: { purchases: string[]; redemptions: string[]; expiredAt?: Date },
) {
  const key = randomUUID();
  try {
    switch (s.op) {
      case "purchase": {
        const amount = `${Math.floor(s.cents / 100)}.${String(s.cents % 100).padStart(2, "0")}`;
        const earned = await earnPoints(
          deps(),
          owner,
          { customerId, locationId: "shop", type: "purchase", amount, currency: "EUR" },
          key,
        );
        made.purchases.push(earned.result.transaction.id);
        return;
      }
      case "visit":
        await earnPoints(deps(), owner, { customerId, locationId: "cafe", type: "visit" }, key);
        return;
      case "manual":
        await adjustPoints(deps(), owner, customerId, { points: s.points, reason: "correction" }, key);
        return;
      case "redeem": {
        const redeemed = await redeemReward(deps(), owner, { customerId, rewardId, locationId: "shop" }, key);
        made.redemptions.push(redeemed.result.redemption.id);
        return;
      }
      case "refund": {
        const id = made.redemptions[s.pick % Math.max(1, made.redemptions.length)];
        if (id) await refundRedemption(deps(), owner, id, { force: true }, key);
        return;
      }
      case "return": {
        const id = made.purchases[s.pick % Math.max(1, made.purchases.length)];
        const amount = s.part === 100 ? undefined : `0.${String(s.part).padStart(2, "0")}`;
        if (id) await reversePurchase(deps(), owner, id, amount === undefined ? {} : { amount }, key);
        return;
      }
      case "wait":
        now = new Date(now.getTime() + s.days * 86_400_000);
        await runExpiry(deps(), { now, lookbackDays: 60 });
        made.expiredAt = now;
        return;
    }
  } catch (error) {
    if (!(error instanceof DomainError) || !["conflict", "validation"].includes(error.kind)) throw error;
  }
}

/** Six sequences in npm test; many more in npm run test:scale (vitest.scale.config.ts). */
const RUNS = Number(process.env.INVARIANT_RUNS ?? 6);

describe("the ledger's invariants over random sequences of operations", () => {
  it(
    "balance = Σ lots − spent = Σ entries ≥ 0, spent ≥ 0, nothing due left by the job, and the chain verifies, after every step",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), async (steps) => {
          const customerId = (await enrolCustomer(deps(), owner.merchantId, { name: "P" })).result.customer
            .id;
          const made: { purchases: string[]; redemptions: string[]; expiredAt?: Date } = {
            purchases: [],
            redemptions: [],
          };
          for (const s of steps) {
            await apply(customerId, s, made);
            await expectLedgerInvariants(db, owner.merchantId, customerId, made);
          }
        }),
        { numRuns: RUNS },
      );
    },
    RUNS * 40_000,
  );
});
