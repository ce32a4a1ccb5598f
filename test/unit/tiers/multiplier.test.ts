import { describe, expect, it } from "vitest";
import { explainEntry } from "../../../shared/ledger/entry-types.ts";
import {
  computePurchasePoints,
  computeVisitPoints,
  type PurchaseRule,
  type Rounding,
} from "../../../shared/programs/rules.ts";

const rule = (rounding: Rounding, points = 1, per = "1.00", currency = "EUR"): PurchaseRule => ({
  kind: "purchase",
  currency,
  points,
  per,
  rounding,
});

// Each row: the exact product, then what each rounding makes of it. Rows where doubles go wrong are there on
// purpose: 1.15 × 100 × 1.1 is 126.49999999999999 in floating point, 4.35 × 100 is 434.99999999999994.
const TABLE: {
  amount: string;
  points: number;
  per: string;
  currency?: string;
  multiplier: string;
  raw: string;
  down: number;
  nearest: number;
  up: number;
}[] = [
  { amount: "23.40", points: 1, per: "1.00", multiplier: "1.5", raw: "35.1", down: 35, nearest: 35, up: 36 },
  { amount: "23.30", points: 1, per: "1.00", multiplier: "1.5", raw: "34.95", down: 34, nearest: 35, up: 35 },
  { amount: "10.00", points: 1, per: "1.00", multiplier: "1.25", raw: "12.5", down: 12, nearest: 13, up: 13 },
  { amount: "20.00", points: 1, per: "1.00", multiplier: "1.5", raw: "30", down: 30, nearest: 30, up: 30 },
  {
    amount: "1.15",
    points: 100,
    per: "1.00",
    multiplier: "1.1",
    raw: "126.5",
    down: 126,
    nearest: 127,
    up: 127,
  },
  { amount: "4.35", points: 100, per: "1.00", multiplier: "1", raw: "435", down: 435, nearest: 435, up: 435 },
  { amount: "9.99", points: 1, per: "3.00", multiplier: "2", raw: "6.66", down: 6, nearest: 7, up: 7 },
  { amount: "1.00", points: 1, per: "3.00", multiplier: "1.5", raw: "0.5", down: 0, nearest: 1, up: 1 },
  {
    amount: "1000",
    points: 1,
    per: "100",
    currency: "JPY",
    multiplier: "1.25",
    raw: "12.5",
    down: 12,
    nearest: 13,
    up: 13,
  },
  { amount: "0.01", points: 1, per: "1.00", multiplier: "10", raw: "0.1", down: 0, nearest: 0, up: 1 },
];

describe("the tier multiplier in the purchase arithmetic", () => {
  for (const row of TABLE) {
    for (const rounding of ["down", "nearest", "up"] as const) {
      it(`${row.amount} × ${row.points}/${row.per} × ${row.multiplier}, ${rounding} → ${row[rounding]}`, () => {
        const currency = row.currency ?? "EUR";
        const result = computePurchasePoints(
          rule(rounding, row.points, row.per, currency),
          { amount: row.amount, currency },
          { name: "Gold", multiplier: row.multiplier },
        );
        expect(result.raw).toBe(row.raw);
        expect(result.points).toBe(row[rounding]);
        expect(result.tier).toEqual({ name: "Gold", multiplier: row.multiplier });
      });
    }
  }

  it("writes the multiplier and the tier into the explanation, in English and French", () => {
    const result = computePurchasePoints(
      rule("down"),
      { amount: "23.40", currency: "EUR" },
      { name: "Gold", multiplier: "1.5" },
    );
    expect(result.explanation).toBe(
      "23.40 EUR × 1 point per 1.00 EUR × 1.5 (Gold) = 35.1, rounded down → 35 points",
    );
    const entry = {
      type: "purchase" as const,
      points: result.points,
      inputs: { amount: "23.40", currency: "EUR" },
      rule: rule("down"),
      raw: result.raw as string,
      tier: { name: "Gold", multiplier: "1.5" },
    };
    expect(explainEntry(entry, "en")).toBe(result.explanation);
    expect(explainEntry(entry, "fr")).toBe(
      "23,40 EUR × 1 point par 1,00 EUR × 1,5 (Gold) = 35,1, arrondi à l'inférieur → 35 points",
    );
  });

  it("without a tier, computes and explains exactly as before", () => {
    const result = computePurchasePoints(rule("down"), { amount: "23.40", currency: "EUR" });
    expect(result).toEqual({
      points: 23,
      raw: "23.4",
      explanation: "23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
    });
  });
});

describe("the tier multiplier on a visit", () => {
  const visit = (pointsPerVisit: number) =>
    ({ kind: "visit", pointsPerVisit, minMinutesBetweenVisits: 0 }) as const;

  it.each([
    [10, "1.5", 15, "15"],
    [5, "1.25", 6, "6.25"],
    [7, "1.1", 7, "7.7"],
    [3, "10", 30, "30"],
  ])("%i points × %s → %i (exact %s, rounded down)", (perVisit, multiplier, points, raw) => {
    const result = computeVisitPoints(visit(perVisit), { name: "Gold", multiplier });
    expect(result.points).toBe(points);
    expect(result.raw).toBe(raw);
  });

  it("explains the product and its rounding in both languages", () => {
    const result = computeVisitPoints(visit(5), { name: "Silver", multiplier: "1.25" });
    expect(result.explanation).toBe(
      "1 visit × 5 points per visit × 1.25 (Silver) = 6.25, rounded down → 6 points",
    );
    const entry = {
      type: "visit" as const,
      points: 6,
      inputs: {},
      rule: visit(5),
      raw: "6.25",
      tier: { name: "Silver", multiplier: "1.25" },
    };
    expect(explainEntry(entry, "en")).toBe(result.explanation);
    expect(explainEntry(entry, "fr")).toBe(
      "1 visite × 5 points par visite × 1,25 (Silver) = 6,25, arrondi à l'inférieur → 6 points",
    );
  });
});

describe("the tier_reached Moment", () => {
  it("is a promotion's Moment, never a demotion's, and says the level in the member's language", async () => {
    const { entryNotifications } = await import("../../../shared/notifications/moments.ts");
    const { renderEmail } = await import("../../../shared/notifications/templates.ts");
    const { tierChangeInputs } = await import("../../../shared/ledger/explain/parts.ts");
    const change = (direction: "promotion" | "demotion") => ({
      id: "txn_2",
      merchantId: "m",
      customerId: "c",
      seq: 3,
      type: "tier_change" as const,
      points: 0,
      balanceAfter: 60,
      inputs: tierChangeInputs({
        direction,
        from: direction === "promotion" ? "Bronze" : "Silver",
        to: direction === "promotion" ? "Silver" : "Bronze",
        qualifying: 60,
        threshold: 50,
        firstMonth: "2025-11",
        lastMonth: "2026-01",
        cause: direction === "promotion" ? "earn" : "review",
      }),
      explanation: "",
      createdAt: "2026-01-10T10:00:00.000Z",
      prevHash: "0".repeat(64),
      hash: "1".repeat(64),
    });
    const [promoted] = entryNotifications(change("promotion"), { rewards: [] });
    expect(promoted?.facts.moment).toBe("tier_reached");
    expect(entryNotifications(change("demotion"), { rewards: [] })).toEqual([]);
    const context = { merchantName: "Café", customerName: "Camille", balance: 60 };
    const facts = promoted?.facts as NonNullable<typeof promoted>["facts"];
    expect(renderEmail(facts, { ...context, locale: "en" }).subject).toBe("You are now Silver at Café");
    const fr = renderEmail(facts, { ...context, locale: "fr" });
    expect(fr.subject).toBe("Vous êtes maintenant Silver chez Café");
    expect(fr.text).toContain(
      "Pourquoi : Passage de Bronze à Silver : 60 points qualifiants de 2025-11 à 2026-01 (Silver dès 50)",
    );
  });
});
