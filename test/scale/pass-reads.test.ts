import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { loadMemberPassContent } from "../../passes/member-pass.ts";
import type { Principal } from "../../shared/auth/principal.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { upcomingExpiries } from "../../shared/expiry/upcoming.ts";
import { held } from "../../shared/ledger/lots.ts";
import { memberOverview } from "../../shared/portal/member.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { readLots } from "../../shared/store/ledger/lots.ts";
import { adjustPoints } from "../../shared/transactions/manual.ts";
import { meterCapacity } from "../support/capacity-meter.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { onItsOwnDatabase } from "../support/own-dynamodb.ts";

/**
 * What a pass fetch and GET /v1/me read must not grow with the customer's lots (issue 19): a regular under a
 * dated policy holds one lot per expiry day, thousands over the years. Read counts, not times, are compared.
 */

const DAY = 86_400_000;
const SIZES = (process.env.PASS_READ_SIZES ?? "100,2000").split(",").map(Number);
let db: Db;
let meter: ReturnType<typeof meterCapacity>;
let now: Date;
const deps = () => ({ db, clock: () => now });

interface Seeded {
  owner: Principal;
  customerId: string;
}

/** A customer with `lots` one-point credits a day apart, each its own lot, then `spend` points redeemed. */
async function customerWithLots(lots: number, spend = 0): Promise<Seeded> {
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
  if (spend > 0) {
    await adjustPoints(deps(), owner, customerId, { points: -spend, reason: "correction" }, randomUUID());
  }
  return { owner, customerId };
}

/** Every lot read, what the customer should see: the soonest points left, computed the long way. */
async function soonestLeft({ owner, customerId }: Seeded) {
  const customer = await readCustomer(db, owner.merchantId, customerId);
  const all = held(await readLots(db, owner.merchantId, customerId), customer?.spent ?? 0);
  return all.filter((h) => h.left > 0).map((h) => ({ expiresAt: h.lot.expiresAt, points: h.left }));
}

onItsOwnDatabase((own) => {
  db = own;
});

beforeAll(async () => {
  meter = meterCapacity(db);
});

describe("reads of a pass fetch and of GET /v1/me", () => {
  it("stay the same from 100 to 2,000 lots, and show the soonest points left", {
    timeout: 600_000,
  }, async () => {
    const measured: { lots: number; pass: number; me: number; passUnits: number; meUnits: number }[] = [];
    for (const lots of SIZES) {
      const seeded = await customerWithLots(lots);
      const { merchantId } = seeded.owner;
      const member = { merchantId, customerId: seeded.customerId };
      let content: Awaited<ReturnType<typeof loadMemberPassContent>>;
      const pass = await meter.measure(async () => {
        content = await loadMemberPassContent(db, merchantId, seeded.customerId, { now });
      });
      let overview: Awaited<ReturnType<typeof memberOverview>> | undefined;
      const me = await meter.measure(async () => {
        overview = await memberOverview(db, member, now);
      });
      const expected = await soonestLeft(seeded);
      console.log(
        `${lots} lots: pass fetch ${pass.itemsRead} items (${pass.readUnits} read units), GET /v1/me ${me.itemsRead} items (${me.readUnits} read units)`,
      );
      expect(content?.nextExpiry?.points).toBe(expected[0]?.points);
      expect(overview?.upcomingExpiries[0]).toMatchObject({ expiresAt: expected[0]?.expiresAt, points: 1 });
      measured.push({
        lots,
        pass: pass.itemsRead,
        me: me.itemsRead,
        passUnits: pass.readUnits,
        meUnits: me.readUnits,
      });
    }
    for (const m of measured) {
      console.log(
        `${m.lots} lots: pass fetch ${m.pass} items (${m.passUnits} read units), GET /v1/me ${m.me} items (${m.meUnits} read units)`,
      );
    }
    const [first, ...rest] = measured;
    for (const m of rest) {
      expect(m.pass).toBe(first?.pass);
      expect(m.me).toBe(first?.me);
    }
  });

  it("stay bounded when a redemption left hundreds of lots spent in full at the front", {
    timeout: 600_000,
  }, async () => {
    // 300 points redeemed at once: the debit deletes 20 of the lots it covers and chains release writes for
    // the other 280 (test/scale/pass-reads-after-debit.test.ts asserts the read count flat).
    const seeded = await customerWithLots(400, 300);
    const { merchantId } = seeded.owner;
    const expected = await soonestLeft(seeded);
    expect(expected).toHaveLength(100);
    let expiries: Awaited<ReturnType<typeof upcomingExpiries>> = [];
    const read = await meter.measure(async () => {
      expiries = await upcomingExpiries(db, merchantId, seeded.customerId, now);
    });
    expect(expiries[0]).toMatchObject({ expiresAt: expected[0]?.expiresAt, points: 1 });
    console.log(`400 lots, 280 spent in full at the front: upcoming expiries read ${read.itemsRead} items`);
  });
});
