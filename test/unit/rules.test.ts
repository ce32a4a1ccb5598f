import { describe, expect, it } from "vitest";
import { ValidationError } from "../../shared/errors.ts";
import {
  computePurchasePoints,
  computeVisitPoints,
  describeRule,
  type PurchaseRule,
} from "../../shared/programs/rules.ts";

const perEuro: PurchaseRule = { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" };
const rule = (overrides: Partial<PurchaseRule>): PurchaseRule => ({ ...perEuro, ...overrides });

describe("purchase points", () => {
  it.each([
    // [rule, amount, currency, points] — rows where binary floats go wrong are the point of this table.
    [perEuro, "23.40", "EUR", 23],
    [perEuro, "19.99", "EUR", 19],
    [perEuro, "1", "EUR", 1],
    [perEuro, "0.99", "EUR", 0],
    [perEuro, "100.00", "EUR", 100],
    [rule({ per: "0.10" }), "0.30", "EUR", 3], // 0.3 / 0.1 = 2.9999999999999996 in floats
    [rule({ per: "0.10" }), "0.3", "EUR", 3],
    [rule({ points: 100 }), "4.35", "EUR", 435], // 4.35 * 100 = 434.99999999999994 in floats
    [rule({ points: 100 }), "1.15", "EUR", 115], // 1.15 * 100 = 114.99999999999999 in floats
    [rule({ per: "0.01" }), "0.07", "EUR", 7], // 0.07 / 0.01 = 7.000000000000001
    [rule({ points: 3, per: "10.00" }), "105.00", "EUR", 31], // 31.5 down
    [rule({ points: 3, per: "10.00", rounding: "nearest" }), "105.00", "EUR", 32],
    [rule({ points: 3, per: "10.00", rounding: "nearest" }), "104.99", "EUR", 31],
    [rule({ points: 1, per: "3.00", rounding: "up" }), "10.00", "EUR", 4],
    [rule({ currency: "JPY", per: "100" }), "1250", "JPY", 12],
    [rule({ currency: "BHD", per: "1.000" }), "2.505", "BHD", 2],
  ])("%o: %s %s → %i points", (r, amount, currency, points) => {
    expect(computePurchasePoints(r, { amount, currency }).points).toBe(points);
  });

  it("spells the arithmetic out", () => {
    expect(computePurchasePoints(perEuro, { amount: "23.40", currency: "EUR" }).explanation).toBe(
      "23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
    );
    expect(computePurchasePoints(perEuro, { amount: "23.4", currency: "EUR" }).explanation).toBe(
      "23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
    );
    expect(computePurchasePoints(perEuro, { amount: "23.00", currency: "EUR" }).explanation).toBe(
      "23.00 EUR × 1 point per 1.00 EUR = 23 → 23 points",
    );
    expect(
      computePurchasePoints(rule({ points: 1, per: "3.00" }), { amount: "10.00", currency: "EUR" })
        .explanation,
    ).toBe("10.00 EUR × 1 point per 3.00 EUR = ≈3.3333, rounded down → 3 points");
  });

  it.each([
    ["0", "EUR", "amount", "must be greater than zero"],
    ["0.00", "EUR", "amount", "must be greater than zero"],
    ["-5.00", "EUR", "amount", "positive decimal"],
    ["abc", "EUR", "amount", "positive decimal"],
    ["1e3", "EUR", "amount", "positive decimal"],
    ["", "EUR", "amount", "positive decimal"],
    [" 5", "EUR", "amount", "positive decimal"],
    ["1.005", "EUR", "amount", "at most 2 decimals"],
    ["5.5", "JPY", "currency", "earns in EUR"],
    ["5.00", "USD", "currency", "earns in EUR"],
  ])("refuses amount %j in %s (%s: %s)", (amount, currency, field, reason) => {
    let error: unknown;
    try {
      computePurchasePoints(perEuro, { amount, currency });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).fields;
    expect(fields.find((f) => f.field === field)?.reason).toContain(reason);
  });
});

describe("visit points", () => {
  it("gives the rule's points and says so", () => {
    const visit = computeVisitPoints({ kind: "visit", pointsPerVisit: 10, minMinutesBetweenVisits: 60 });
    expect(visit).toEqual({ points: 10, explanation: "1 visit × 10 points per visit → 10 points" });
  });

  it("describes rules in words", () => {
    expect(describeRule(perEuro)).toBe("1 point per 1.00 EUR spent, rounded down");
    expect(describeRule({ kind: "visit", pointsPerVisit: 10, minMinutesBetweenVisits: 60 })).toBe(
      "10 points per visit (at most one visit every 60 minutes)",
    );
  });
});
