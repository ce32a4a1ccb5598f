import { describe, expect, it } from "vitest";
import {
  CLOCK_SKEW_MS,
  checkAmountAtMost,
  checkCredit,
  checkEarnedPoints,
  checkOccurredAt,
  checkPurchaseAmount,
  DEFAULT_MAX_PURCHASE,
  MAX_BALANCE,
  maxPurchaseOf,
  programCurrency,
  showAmount,
} from "../../shared/bounds.ts";
import { DomainError, ValidationError } from "../../shared/errors.ts";

function problemOf(run: () => void): { kind: string; fields?: unknown; details: unknown } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return {
      kind: error.kind,
      details: error.details,
      ...(error instanceof ValidationError ? { fields: error.fields } : {}),
    };
  }
}

describe("the maximum purchase", () => {
  it("is 10000.00 unless the merchant set its own", () => {
    expect(DEFAULT_MAX_PURCHASE).toBe("10000.00");
    expect(maxPurchaseOf(undefined)).toBe("10000.00");
    expect(maxPurchaseOf({})).toBe("10000.00");
    expect(maxPurchaseOf({ maxPurchaseAmount: "250.00" })).toBe("250.00");
  });

  it("takes amounts up to the limit exactly, whatever their scale", () => {
    for (const amount of ["10000", "10000.00", "9999.99", "0.01", "10000.0000"]) {
      expect(() => checkPurchaseAmount(amount, "EUR", "10000.00"), amount).not.toThrow();
    }
  });

  it("refuses one cent more, and a barcode in the amount field, naming the limit", () => {
    for (const amount of ["10000.01", "10000.0001", "9007199254740000.00", "4006381333931"]) {
      expect(problemOf(() => checkPurchaseAmount(amount, "EUR", "10000.00"))?.fields, amount).toEqual([
        {
          field: "amount",
          reason:
            "must be at most 10000.00 EUR, this merchant's maximum purchase (maxPurchaseAmount in the settings)",
        },
      ]);
    }
  });

  it("writes the limit in the currency's own decimals", () => {
    expect(showAmount("10000.00", "JPY")).toBe("10000 JPY");
    expect(showAmount("10000", "EUR")).toBe("10000.00 EUR");
    expect(showAmount("12.5", "BHD")).toBe("12.500 BHD");
    expect(showAmount("0.015", "EUR")).toBe("0.015 EUR");
    expect(problemOf(() => checkPurchaseAmount("10001", "JPY", "10000.00"))?.fields).toEqual([
      expect.objectContaining({ reason: expect.stringContaining("at most 10000 JPY") }),
    ]);
  });

  it("refuses what is no positive amount", () => {
    for (const amount of ["0", "0.00", "-1", "abc", ""]) {
      expect(problemOf(() => checkPurchaseAmount(amount, "EUR", "10000.00"))?.fields, amount).toEqual([
        { field: "amount", reason: "must be a positive decimal number such as 23.40" },
      ]);
    }
  });

  it("names any field and limit it is asked to", () => {
    expect(
      problemOf(() => checkAmountAtMost("50.00", "EUR", "20.00", "discount.amount", "the maximum"))?.fields,
    ).toEqual([{ field: "discount.amount", reason: "must be at most 20.00 EUR, the maximum" }]);
  });

  it("is in the program's currency: its purchase rule's, else the merchant's", () => {
    const merchant = { currency: "EUR" };
    const purchase = {
      rule: { kind: "purchase", currency: "CHF", points: 1, per: "1.00", rounding: "down" },
    } as const;
    const visit = { rule: { kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: 0 } } as const;
    expect(programCurrency(purchase, merchant)).toBe("CHF");
    expect(programCurrency(visit, merchant)).toBe("EUR");
  });
});

describe("points stay exact", () => {
  it("an earning may be up to the maximum balance, not more, nor inexact", () => {
    expect(MAX_BALANCE).toBe(1e12);
    expect(MAX_BALANCE * 9000).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(() => checkEarnedPoints(MAX_BALANCE)).not.toThrow();
    expect(problemOf(() => checkEarnedPoints(MAX_BALANCE + 1))?.fields).toEqual([
      { field: "amount", reason: "earns more than 1000000000000 points, the most a balance can hold" },
    ]);
    expect(problemOf(() => checkEarnedPoints(Number(2n ** 60n)))?.kind).toBe("validation");
    expect(problemOf(() => checkEarnedPoints(1.5, "points"))?.fields).toEqual([
      expect.objectContaining({ field: "points" }),
    ]);
  });

  it("a credit can never push a balance past the maximum; a debit always passes", () => {
    expect(() => checkCredit(MAX_BALANCE - 10, 10)).not.toThrow();
    expect(problemOf(() => checkCredit(MAX_BALANCE - 10, 11))).toEqual({
      kind: "conflict",
      details: { balance: MAX_BALANCE - 10, points: 11, maxBalance: MAX_BALANCE },
    });
    // A balance stored before the bound, far past it: it can still be spent, never credited.
    expect(() => checkCredit(9_007_199_254_740_000, -500)).not.toThrow();
    expect(problemOf(() => checkCredit(9_007_199_254_740_000, 1))?.kind).toBe("conflict");
  });
});

describe("occurredAt", () => {
  const now = new Date("2026-06-01T12:00:00.000Z");
  const joined = "2025-03-01T09:00:00.000Z";

  it("takes any time from the merchant's creation to a few minutes ahead", () => {
    for (const at of [
      joined,
      "2026-06-01T12:00:00Z",
      new Date(now.getTime() + CLOCK_SKEW_MS).toISOString(),
    ]) {
      expect(() => checkOccurredAt(at, joined, now), at).not.toThrow();
    }
  });

  it("refuses a time before the merchant existed, or in the future", () => {
    expect(problemOf(() => checkOccurredAt("2025-03-01T08:59:59.999Z", joined, now))?.fields).toEqual([
      { field: "occurredAt", reason: "cannot be before the merchant joined (2025-03-01T09:00:00.000Z)" },
    ]);
    const ahead = new Date(now.getTime() + CLOCK_SKEW_MS + 1).toISOString();
    expect(problemOf(() => checkOccurredAt(ahead, joined, now))?.fields).toEqual([
      { field: "occurredAt", reason: "cannot be in the future" },
    ]);
    expect(problemOf(() => checkOccurredAt("soon", joined, now, "when"))?.fields).toEqual([
      { field: "when", reason: "must be an ISO 8601 date and time" },
    ]);
  });
});
