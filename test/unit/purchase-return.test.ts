import { describe, expect, it } from "vitest";
import { DomainError, ValidationError } from "../../shared/errors.ts";
import { computePurchasePoints, type PurchaseRule, type Rounding } from "../../shared/programs/rules.ts";
import { computePurchaseReturn, type ReturnedSoFar } from "../../shared/transactions/purchase-return.ts";

const rule = (rounding: Rounding = "down", extra: Partial<PurchaseRule> = {}): PurchaseRule => ({
  kind: "purchase",
  currency: "EUR",
  points: 1,
  per: "1.00",
  rounding,
  ...extra,
});

const NONE: ReturnedSoFar = { amount: "0", points: 0 };

/** A purchase as earned, then returned in the given parts; the points each return takes back. */
function returnInParts(r: PurchaseRule, amount: string, parts: (string | undefined)[]) {
  const { points } = computePurchasePoints(r, { amount, currency: r.currency });
  let before = NONE;
  const taken: number[] = [];
  for (const part of parts) {
    const result = computePurchaseReturn({ rule: r, amount, points }, before, part);
    taken.push(result.points);
    before = result.total;
  }
  return { earned: points, taken, before };
}

describe("proportional reversal of a purchase's points", () => {
  it("takes back everything for a whole return", () => {
    const result = computePurchaseReturn({ rule: rule(), amount: "23.40", points: 23 }, NONE, undefined);
    expect(result).toMatchObject({
      amount: "23.40",
      points: 23,
      total: { amount: "23.40", points: 23 },
      remaining: "0.00",
      raw: "23",
      explanation: "Return of the whole 23.40 EUR purchase → all 23 points taken back",
    });
  });

  it("rounds a partial return as the purchase was rounded", () => {
    const half = (rounding: Rounding) =>
      computePurchaseReturn({ rule: rule(rounding), amount: "23.40", points: 23 }, NONE, "11.70").points;
    expect(half("down")).toBe(11);
    expect(half("nearest")).toBe(12);
    expect(half("up")).toBe(12);
    const third = computePurchaseReturn(
      { rule: rule("nearest"), amount: "30.00", points: 30 },
      NONE,
      "10.00",
    );
    expect(third.points).toBe(10);
  });

  it("explains the arithmetic, including what earlier returns took", () => {
    const first = computePurchaseReturn({ rule: rule(), amount: "23.40", points: 23 }, NONE, "11.70");
    expect(first.explanation).toBe(
      "Return of 11.70 EUR of a 23.40 EUR purchase: 23 points × 11.70 ÷ 23.40 = 11.5, rounded down → 11 points",
    );
    const second = computePurchaseReturn({ rule: rule(), amount: "23.40", points: 23 }, first.total, "10.00");
    expect(second.explanation).toBe(
      "Return of 10.00 EUR of a 23.40 EUR purchase (21.70 EUR returned in all): 23 points × 21.70 ÷ 23.40 = ≈21.329, rounded down → 21 points; 11 already taken back → 10 points",
    );
    expect(second.returnedBefore).toBe("11.70");
  });

  it.each(["down", "nearest", "up"] as const)(
    "%s: partial returns add up to exactly what was earned once all has come back, never more",
    (rounding) => {
      const splits: [string, (string | undefined)[]][] = [
        ["23.40", ["11.70", "11.70"]],
        ["23.40", ["0.01", "0.01", "0.01", undefined]],
        ["99.99", ["33.33", "33.33", "33.33"]],
        ["10.00", ["3.33", "3.33", "3.33", "0.01"]],
        ["0.99", ["0.50", "0.49"]],
        ["1000.00", ["999.99", "0.01"]],
      ];
      for (const [amount, parts] of splits) {
        const { earned, taken } = returnInParts(rule(rounding), amount, parts);
        let sum = 0;
        for (const t of taken) {
          expect(t).toBeGreaterThanOrEqual(0);
          sum += t;
          expect(sum).toBeLessThanOrEqual(earned);
        }
        expect(sum, `${amount} in ${parts.join(" + ")}`).toBe(earned);
      }
    },
  );

  it("is exact where floats are not: 0.30 EUR at 1 point per 0.10 EUR comes back as 3 points", () => {
    const r = rule("down", { per: "0.10" });
    const { earned, taken } = returnInParts(r, "0.30", ["0.10", "0.20"]);
    expect(earned).toBe(3);
    expect(taken).toEqual([1, 2]);
  });

  it("works in a currency without decimals", () => {
    const yen = rule("down", { currency: "JPY", points: 1, per: "100" });
    const { earned, taken } = returnInParts(yen, "2350", ["1000", undefined]);
    expect(earned).toBe(23);
    expect(taken).toEqual([9, 14]);
    expect(() => computePurchaseReturn({ rule: yen, amount: "2350", points: 23 }, NONE, "10.5")).toThrow(
      ValidationError,
    );
  });

  it("handles amounts far beyond float precision", () => {
    const big = rule("down", { points: 7, per: "0.03" });
    const { earned, taken } = returnInParts(big, "90071992547409.93", ["45035996273704.97", undefined]);
    expect(taken.reduce((a, b) => a + b, 0)).toBe(earned);
  });

  it.each([
    ["ten", "must be a positive decimal number such as 12.50"],
    ["-1.00", "must be a positive decimal number such as 12.50"],
    ["0.00", "must be greater than zero"],
    ["1.005", "EUR has at most 2 decimals"],
    ["23.41", "at most 23.40 EUR of this purchase is left to return"],
  ])("refuses %s, naming the amount", (amount, reason) => {
    try {
      computePurchaseReturn({ rule: rule(), amount: "23.40", points: 23 }, NONE, amount);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual([{ field: "amount", reason }]);
    }
  });

  it("refuses any return of a purchase returned in full (409)", () => {
    const all: ReturnedSoFar = { amount: "23.40", points: 23 };
    try {
      computePurchaseReturn({ rule: rule(), amount: "23.40", points: 23 }, all, "0.01");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).kind).toBe("conflict");
    }
  });
});
