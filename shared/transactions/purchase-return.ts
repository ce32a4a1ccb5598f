import { conflict, ValidationError } from "../errors.ts";
import { EN } from "../ledger/explain/en.ts";
import { reversalPartsOf } from "../ledger/explain/parts.ts";
import {
  currencyMinorUnits,
  type Decimal,
  formatDecimal,
  formatRatio,
  parseDecimal,
  pow10,
} from "../money.ts";
import { type PurchaseRule, roundRatio } from "../programs/rules.ts";

/** What the returns of one purchase have taken back so far. */
export interface ReturnedSoFar {
  /** Amount returned, in the currency's minor units as a decimal string ("0.00" before any return). */
  amount: string;
  /** Points due back for it, shortfalls included. */
  points: number;
}

export interface PurchaseReturn {
  /** This return's amount, to the currency's minor units. */
  amount: string;
  /** Points this return takes back (before any shortfall). */
  points: number;
  /** Returned so far, this return included. */
  total: ReturnedSoFar;
  /** Returned before this return. */
  returnedBefore: string;
  /** Amount of the purchase still not returned. */
  remaining: string;
  /** Exact points due for everything returned so far, before rounding. */
  raw: string;
  /**
   * The reversal entry's `inputs`, from which its explanation is rebuilt in any language: amount,
   * currency, purchaseAmount, returnedBefore, purchasePoints, pointsTakenBefore.
   */
  inputs: Record<string, string>;
  /** In English, as recorded, before any shortfall (the entry's explanation adds it). */
  explanation: string;
}

/**
 * Points a return takes back, in proportion to the amount returned, with the purchase's own rounding.
 * The proportion is taken over everything returned so far — round(earned × returned ÷ purchase) — and
 * what earlier returns took is subtracted, so partial returns add up to exactly the points earned
 * when the whole purchase has come back, and never to more. Exact: BigInt minor units throughout.
 *
 * `amount` absent: whatever is left of the purchase.
 */
export function computePurchaseReturn(
  purchase: { rule: PurchaseRule; amount: string; points: number },
  before: ReturnedSoFar,
  amount: string | undefined,
): PurchaseReturn {
  const { rule } = purchase;
  const minor = currencyMinorUnits(rule.currency) ?? 2;
  const toMinor = (value: Decimal) => value.units * pow10(minor - value.scale);
  const show = (units: bigint) => formatDecimal({ units, scale: minor });
  const total = toMinor(parseStored(purchase.amount));
  const returnedBefore = toMinor(parseStored(before.amount));
  const left = total - returnedBefore;
  if (left <= 0n) {
    throw conflict("This purchase was already returned in full.", { returned: show(returnedBefore) });
  }

  let returning = left;
  if (amount !== undefined) {
    const parsed = parseDecimal(amount);
    if (!parsed) throw ValidationError.field("amount", "must be a positive decimal number such as 12.50");
    if (parsed.units === 0n) throw ValidationError.field("amount", "must be greater than zero");
    if (parsed.scale > minor)
      throw ValidationError.field("amount", `${rule.currency} has at most ${minor} decimals`);
    returning = toMinor(parsed);
    if (returning > left) {
      throw ValidationError.field(
        "amount",
        `at most ${show(left)} ${rule.currency} of this purchase is left to return`,
      );
    }
  }

  const returnedNow = returnedBefore + returning;
  const ratio = { numerator: BigInt(purchase.points) * returnedNow, denominator: total };
  const due = roundRatio(ratio, rule.rounding);
  const points = Number(due) - before.points;
  if (points < 0) throw new Error("returns took back more than their proportion");
  const raw = formatRatio(ratio);

  const parts = reversalPartsOf({
    currency: rule.currency,
    rounding: rule.rounding,
    returning,
    total,
    returnedBefore,
    earned: purchase.points,
    raw,
    takenBefore: before.points,
    points,
    shortfall: 0,
  });
  return {
    amount: show(returning),
    points,
    total: { amount: show(returnedNow), points: Number(due) },
    returnedBefore: show(returnedBefore),
    remaining: show(total - returnedNow),
    raw,
    inputs: {
      amount: show(returning),
      currency: rule.currency,
      purchaseAmount: purchase.amount,
      returnedBefore: show(returnedBefore),
      purchasePoints: String(purchase.points),
      pointsTakenBefore: String(before.points),
    },
    explanation: EN.reversal(parts),
  };
}

/** Amounts we stored ourselves; one that does not parse is a bug, not a client error. */
function parseStored(text: string): Decimal {
  const value = parseDecimal(text);
  if (!value) throw new Error(`stored amount is not a decimal: ${text}`);
  return value;
}
