import { randomUUID } from "node:crypto";
import type { Principal } from "../../shared/auth/principal.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import type { ExpiryPolicy } from "../../shared/expiry/policy.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import { merchantWithLocations } from "./ledger-merchant.ts";
import { onItsOwnDatabase } from "./own-dynamodb.ts";

export const DAY = 86_400_000;

/**
 * The world of the long-lived customer cases (test/scale/long-lived-*.test.ts): a clock the case moves, and for
 * each describe block a DynamoDB Local of its own, as each seeds thousands of writes and would otherwise run at
 * the speed of the one before's pile (test/support/own-dynamodb.ts). Call it at the top of the file.
 */
export function longLivedWorld() {
  const world = { db: undefined as unknown as Db, now: new Date("2026-01-01T09:00:00.000Z") };
  const deps = () => ({ db: world.db, clock: () => world.now });

  return {
    world,
    deps,

    /** Registers the describe block's own database; call it first in the block. */
    onItsOwnDatabase() {
      onItsOwnDatabase((db) => {
        world.db = db;
      });
    },

    /** A merchant whose one location ("shop") earns 1 point per 1.00 EUR under `expiry`; its owner. */
    merchant: (expiry: ExpiryPolicy) =>
      merchantWithLocations(
        world.db,
        world.now,
        {
          shop: {
            rule: { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" },
            expiry,
          },
        },
        expiry,
      ),

    customer: async (owner: Principal) =>
      (await enrolCustomer(deps(), owner.merchantId, { name: "Regular" })).result.customer.id as string,

    /** `count` credits of one point, `stepMs` apart: each its own lot when the policy dates them. */
    async credits(owner: Principal, customerId: string, count: number, stepMs: number) {
      for (let i = 0; i < count; i++) {
        world.now = new Date(world.now.getTime() + stepMs);
        await adjustPoints(deps(), owner, customerId, { points: 1, reason: "goodwill" }, randomUUID());
      }
    },

    /** A 12.00 EUR purchase at "shop": 12 points. */
    purchase: (owner: Principal, customerId: string) =>
      earnPoints(
        deps(),
        owner,
        { customerId, locationId: "shop", type: "purchase", amount: "12.00", currency: "EUR" },
        randomUUID(),
      ),
  };
}
