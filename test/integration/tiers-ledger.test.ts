import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { runExpiry } from "../../shared/expiry/run.ts";
import { explainEntry } from "../../shared/ledger/entry-types.ts";
import { verifyLedger } from "../../shared/ledger/read.ts";
import { replaceProgram } from "../../shared/merchants/programs.ts";
import { createLocation, createMerchant, createProgram } from "../../shared/merchants/setup.ts";
import type { PurchaseRule } from "../../shared/programs/rules.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { readWholeLedger } from "../../shared/store/ledger/entries.ts";
import type { TierSettings } from "../../shared/tiers/settings.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { reversePurchase } from "../../shared/transactions/reverse.ts";
import { expectLedgerInvariants } from "../support/ledger-invariants.ts";
import { ownerOf } from "../support/ledger-merchant.ts";
import { testDb } from "../support/test-stack.ts";

let db: Db;
let now = new Date("2026-01-10T10:00:00.000Z");
const clock = () => now;
const deps = () => ({ db, clock });
const setNow = (iso: string) => {
  now = new Date(iso);
};

const RULE: PurchaseRule = { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" };
const TIERS: TierSettings = {
  window: { kind: "rolling", months: 3 },
  levels: [
    { name: "Bronze", threshold: 0, multiplier: "1" },
    { name: "Silver", threshold: 50, multiplier: "1.5" },
    { name: "Gold", threshold: 150, multiplier: "2" },
  ],
};

async function shop(tiers: TierSettings = TIERS) {
  const merchantId = `m-${randomUUID().slice(0, 8)}`;
  const createdAt = now.toISOString();
  await createMerchant(db, { id: merchantId, name: "M", country: "FR", currency: "EUR", createdAt });
  await createProgram(db, {
    merchantId,
    id: "prog-shop",
    name: "Shop",
    version: 1,
    rule: RULE,
    tiers,
    updatedAt: createdAt,
  });
  await createLocation(db, { merchantId, id: "shop", name: "Shop", programId: "prog-shop", createdAt });
  const customerId = (await enrolCustomer(deps(), merchantId, { name: "C", welcome: false })).result.customer
    .id;
  return { merchantId, customerId };
}

const buy = (m: { merchantId: string; customerId: string }, amount: string) =>
  earnPoints(
    deps(),
    ownerOf(m.merchantId),
    { customerId: m.customerId, locationId: "shop", type: "purchase", amount, currency: "EUR" },
    randomUUID(),
  );

const ledger = (m: { merchantId: string; customerId: string }) =>
  readWholeLedger(db, m.merchantId, m.customerId);
const tierOf = async (m: { merchantId: string; customerId: string }) =>
  (await readCustomer(db, m.merchantId, m.customerId))?.tiers?.["prog-shop"];

async function chainValid(m: { merchantId: string; customerId: string }) {
  expect((await verifyLedger(db, m.merchantId, m.customerId)).valid).toBe(true);
  await expectLedgerInvariants(db, m.merchantId, m.customerId);
}

beforeEach(async () => {
  db = await testDb();
  setNow("2026-01-10T10:00:00.000Z");
});

describe("tiers on the ledger", () => {
  it("an earn reaching a threshold promotes in the same transaction, and later earns are multiplied", async () => {
    const m = await shop();
    await buy(m, "40.00");
    const promoting = (await buy(m, "20.00")).result.transaction;
    // The promoting earn itself is at the level held before it.
    expect(promoting.points).toBe(20);
    let entries = await ledger(m);
    expect(entries.map((e) => [e.seq, e.type, e.points])).toEqual([
      [1, "purchase", 40],
      [2, "purchase", 20],
      [3, "tier_change", 0],
    ]);
    const change = entries[2];
    expect(change?.refs).toEqual({ entryId: promoting.id });
    expect(change?.explanation).toBe(
      "Promoted from Bronze to Silver: 60 points qualifying from 2025-11 to 2026-01 (Silver from 50)",
    );
    expect(explainEntry(change as NonNullable<typeof change>, "fr")).toBe(
      "Passage de Bronze à Silver : 60 points qualifiants de 2025-11 à 2026-01 (Silver dès 50)",
    );
    const silver = (await buy(m, "23.40")).result.transaction;
    expect(silver.points).toBe(35);
    expect(silver.explanation).toBe(
      "23.40 EUR × 1 point per 1.00 EUR × 1.5 (Silver) = 35.1, rounded down → 35 points",
    );
    entries = await ledger(m);
    expect(entries[3]?.tier).toEqual({ name: "Silver", multiplier: "1.5" });
    expect(await tierOf(m)).toMatchObject({ tier: "Silver", buckets: { "2026-01": 95 } });
    expect((await readCustomer(db, m.merchantId, m.customerId))?.tierReviewAt).toBe(
      "2026-04-01T00:00:00.000Z",
    );
    await chainValid(m);
  });

  it("a level's entry reward is credited once, after its promotion, for a level passed on the way too, and never again", async () => {
    const m = await shop({
      ...TIERS,
      levels: [
        { name: "Bronze", threshold: 0, multiplier: "1" },
        { name: "Silver", threshold: 50, multiplier: "1.5", entryReward: 25 },
        { name: "Gold", threshold: 150, multiplier: "2", entryReward: 100 },
      ],
    });
    // Straight from Bronze to Gold: Silver is reached on the way, and both pay.
    const promoting = (await buy(m, "160.00")).result.transaction;
    let entries = await ledger(m);
    expect(entries.map((e) => [e.type, e.points, e.balanceAfter])).toEqual([
      ["purchase", 160, 160],
      ["tier_change", 0, 160],
      ["tier_reward", 25, 185],
      ["tier_reward", 100, 285],
    ]);
    expect(entries.slice(2).map((e) => [e.refs, e.explanation])).toEqual([
      [{ entryId: promoting.id }, "Welcome to Silver: 25 points for reaching it"],
      [{ entryId: promoting.id }, "Welcome to Gold: 100 points for reaching it"],
    ]);
    expect(explainEntry(entries[3] as NonNullable<(typeof entries)[3]>, "fr")).toBe(
      "Bienvenue au niveau Gold : 100 points offerts pour l'avoir atteint",
    );
    expect(await tierOf(m)).toMatchObject({ tier: "Gold", rewarded: ["Silver", "Gold"] });
    // The rewards are points issued, not points earned at a till: they do not qualify.
    expect((await tierOf(m))?.buckets).toEqual({ "2026-01": 160 });
    // Demoted by the review, then promoted again: the promotion is recorded, no reward is paid twice.
    setNow("2026-04-01T00:00:00.000Z");
    expect((await runExpiry(deps(), { now })).tierChanges).toBe(1);
    setNow("2026-04-02T10:00:00.000Z");
    await buy(m, "200.00");
    entries = await ledger(m);
    expect(entries.slice(4).map((e) => e.type)).toEqual(["tier_change", "purchase", "tier_change"]);
    expect(entries.filter((e) => e.type === "tier_reward")).toHaveLength(2);
    expect((await readCustomer(db, m.merchantId, m.customerId))?.balance).toBe(285 + 200);
    await chainValid(m);
  });

  it("the scheduled job demotes exactly at the window's boundary, once", async () => {
    const m = await shop();
    await buy(m, "160.00"); // Gold from 10 January
    expect((await tierOf(m))?.tier).toBe("Gold");
    // The review item sits in the due index the reminders read too: it reminds of nothing.
    setNow("2026-03-25T10:00:00.000Z");
    const early = await runExpiry(deps(), { now });
    expect(early).toMatchObject({ tierChanges: 0, remindersSent: 0 });
    expect(early.dueItemsRead).toBeGreaterThan(0);
    setNow("2026-03-31T23:59:59.000Z");
    expect((await runExpiry(deps(), { now })).tierChanges).toBe(0);
    setNow("2026-04-01T00:00:00.000Z");
    expect((await runExpiry(deps(), { now })).tierChanges).toBe(1);
    expect((await runExpiry(deps(), { now })).tierChanges).toBe(0);
    const entries = await ledger(m);
    expect(entries.map((e) => e.type)).toEqual(["purchase", "tier_change", "tier_change"]);
    expect(entries[2]?.refs).toBeUndefined();
    expect(entries[2]?.explanation).toBe(
      "Moved from Gold to Bronze: 0 points qualifying from 2026-02 to 2026-04, below the 150 Gold needs",
    );
    expect((await tierOf(m))?.tier).toBe("Bronze");
    // Bronze is never lost: nothing more to review.
    expect((await tierOf(m))?.reviewAt).toBeUndefined();
    setNow("2026-04-02T10:00:00.000Z");
    expect((await buy(m, "10.00")).result.transaction.explanation).toBe(
      "10.00 EUR × 1 point per 1.00 EUR × 1 (Bronze) = 10 → 10 points",
    );
    await chainValid(m);
  });

  it("a rolling window keeps the level while later months still hold enough", async () => {
    const m = await shop();
    await buy(m, "60.00"); // January: Silver
    setNow("2026-02-15T10:00:00.000Z");
    await buy(m, "40.00"); // × 1.5 = 60 in February
    expect((await readCustomer(db, m.merchantId, m.customerId))?.tierReviewAt).toBe(
      "2026-05-01T00:00:00.000Z",
    );
    setNow("2026-04-01T00:00:00.000Z");
    await runExpiry(deps(), { now });
    expect((await tierOf(m))?.tier).toBe("Silver");
    setNow("2026-05-01T00:00:00.000Z");
    expect((await runExpiry(deps(), { now })).tierChanges).toBe(1);
    expect((await tierOf(m))?.tier).toBe("Bronze");
    await chainValid(m);
  });

  it("a tier-rule change is never retroactive: earlier entries keep the multiplier and version they used", async () => {
    const m = await shop();
    await buy(m, "60.00"); // Silver
    const before = (await buy(m, "10.00")).result.transaction;
    expect(before).toMatchObject({ points: 15, programVersion: 1 });
    const levels = TIERS.levels.map((l) => (l.name === "Silver" ? { ...l, multiplier: "3" } : l));
    const saved = await replaceProgram(deps(), ownerOf(m.merchantId), "prog-shop", {
      name: "Shop",
      rule: RULE,
      expiry: { kind: "none" },
      tiers: { ...TIERS, levels },
    });
    expect(saved.version).toBe(2);
    const after = (await buy(m, "10.00")).result.transaction;
    expect(after).toMatchObject({ points: 30, programVersion: 2 });
    const entries = await ledger(m);
    const old = entries.find((e) => e.id === before.id);
    expect(old?.tier).toEqual({ name: "Silver", multiplier: "1.5" });
    expect(old && explainEntry(old, "en")).toBe(
      "10.00 EUR × 1 point per 1.00 EUR × 1.5 (Silver) = 15 → 15 points",
    );
    expect(old?.explanation).toBe(before.explanation);
    await chainValid(m);
  });

  it("a return below the threshold keeps the level until the next month starts (grace), then the review decides", async () => {
    const m = await shop();
    const purchase = (await buy(m, "200.00")).result.transaction; // Gold
    setNow("2026-01-20T10:00:00.000Z");
    await reversePurchase(deps(), ownerOf(m.merchantId), purchase.id, { amount: "120.00" }, randomUUID());
    const state = await tierOf(m);
    expect(state).toMatchObject({ tier: "Gold", buckets: { "2026-01": 80 } });
    expect(state?.reviewAt).toBe("2026-02-01T00:00:00.000Z");
    // Still Gold during the grace: earns are doubled.
    expect((await buy(m, "5.00")).result.transaction.points).toBe(10);
    setNow("2026-02-01T00:00:00.000Z");
    expect((await runExpiry(deps(), { now })).tierChanges).toBe(1);
    expect(await tierOf(m)).toMatchObject({ tier: "Silver" });
    const last = (await ledger(m)).at(-1);
    expect(last?.inputs).toMatchObject({
      direction: "demotion",
      from: "Gold",
      to: "Silver",
      qualifying: "90",
    });
    await chainValid(m);
  });

  it("two earns crossing the threshold at once promote once", async () => {
    const m = await shop();
    await buy(m, "45.00");
    const results = await Promise.all([buy(m, "10.00"), buy(m, "10.00"), buy(m, "10.00")]);
    expect(results.map((r) => r.result.transaction.points).sort()).toEqual([10, 15, 15]);
    const entries = await ledger(m);
    expect(entries.filter((e) => e.type === "tier_change")).toHaveLength(1);
    const customer = await readCustomer(db, m.merchantId, m.customerId);
    expect(customer?.balance).toBe(45 + 10 + 15 + 15);
    expect(customer?.tiers?.["prog-shop"]?.buckets).toEqual({ "2026-01": 85 });
    await chainValid(m);
  });
});
