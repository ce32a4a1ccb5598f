import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadMemberPassContent } from "../../passes/member-pass.ts";
import type { Principal } from "../../shared/auth/principal.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { held } from "../../shared/ledger/lots.ts";
import { memberOverview } from "../../shared/portal/member.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { readLots } from "../../shared/store/ledger/lots.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import { meterCapacity } from "../support/capacity-meter.ts";
import { expectLedgerInvariants } from "../support/ledger-invariants.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { onItsOwnDatabase } from "../support/own-dynamodb.ts";

/**
 * Issue 19: a redemption covering most of a customer's lots used to leave all but 20 of them stored and
 * charged at the front, and every pass fetch and GET /v1/me then walked them (302 items at 400 lots with 280
 * spent). The debit now chains release writes for them, so what a reader reads is the same however many lots
 * the redemption covered. Items read, not times, are compared.
 */

const DAY = 86_400_000;
/** Lots a customer keeps after the redemption: more than the 50 dated lots a reader reads first. */
const KEPT = 100;
const SIZES = (process.env.PASS_READ_AFTER_DEBIT_SIZES ?? "150,2000").split(",").map(Number);

let db: Db;
let now: Date;
const deps = () => ({ db, clock: () => now });

onItsOwnDatabase((own) => {
  db = own;
});

/** `lots` one-point credits a day apart, each its own lot; then all but KEPT points taken in one debit. */
async function redeemedMost(lots: number): Promise<{ owner: Principal; customerId: string }> {
  now = new Date("2026-01-01T09:00:00.000Z");
  const expiry = { kind: "rolling", days: 9_000 } as const;
  const owner = await merchantWithLocations(
    db,
    now,
    { shop: { rule: { kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: 0 }, expiry } },
    expiry,
  );
  const customerId = (await enrolCustomer(deps(), owner.merchantId, { name: "Regular" })).result.customer
    .id as string;
  for (let i = 0; i < lots; i++) {
    now = new Date(now.getTime() + DAY);
    await adjustPoints(deps(), owner, customerId, { points: 1, reason: "goodwill" }, randomUUID());
  }
  const debit = await adjustPoints(
    deps(),
    owner,
    customerId,
    { points: -(lots - KEPT), reason: "correction" },
    randomUUID(),
  );
  expect(debit.result.transaction.balanceAfter).toBe(KEPT);
  return { owner, customerId };
}

describe("reads of a pass fetch and of GET /v1/me after a redemption of most lots", () => {
  it("are the same at 150 and 2,000 lots, and show the soonest points left", {
    timeout: 900_000,
  }, async () => {
    const meter = meterCapacity(db);
    const measured: { lots: number; pass: number; me: number }[] = [];
    for (const lots of SIZES) {
      const { owner, customerId } = await redeemedMost(lots);
      const { merchantId } = owner;
      // The covered lots left with the debit: every lot still stored holds a point, and the ledger adds up.
      const stored = await readLots(db, merchantId, customerId);
      const customer = await readCustomer(db, merchantId, customerId);
      expect(stored).toHaveLength(KEPT);
      expect(customer?.spent ?? 0).toBe(0);
      expect(held(stored, customer?.spent ?? 0).every((h) => h.left > 0)).toBe(true);
      expect(await expectLedgerInvariants(db, merchantId, customerId)).toBe(KEPT);
      const soonest = stored[0];

      let content: Awaited<ReturnType<typeof loadMemberPassContent>> | undefined;
      const pass = await meter.measure(async () => {
        content = await loadMemberPassContent(db, merchantId, customerId, { now });
      });
      let overview: Awaited<ReturnType<typeof memberOverview>> | undefined;
      const me = await meter.measure(async () => {
        overview = await memberOverview(db, { merchantId, customerId }, now);
      });
      expect(content?.nextExpiry?.points).toBe(1);
      expect(overview?.upcomingExpiries[0]).toMatchObject({ expiresAt: soonest?.expiresAt, points: 1 });
      console.log(
        `${lots} lots, ${lots - KEPT} redeemed: pass fetch ${pass.itemsRead} items, GET /v1/me ${me.itemsRead} items`,
      );
      measured.push({ lots, pass: pass.itemsRead, me: me.itemsRead });
    }
    const [first, ...rest] = measured;
    for (const m of rest) {
      expect(m.pass, `pass fetch at ${m.lots} lots`).toBe(first?.pass);
      expect(m.me, `GET /v1/me at ${m.lots} lots`).toBe(first?.me);
    }
  });
});
