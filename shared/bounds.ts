import { conflict, ValidationError } from "./errors.ts";
import type { Merchant, Program } from "./model.ts";
import { currencyMinorUnits, type Decimal, formatDecimal, parseDecimal, pow10 } from "./money.ts";

/**
 * The bounds every write stays within, and the checks that hold them. Points are JS numbers, exact only
 * up to Number.MAX_SAFE_INTEGER (about 9.007e15); these bounds keep every balance, every entry and every
 * sum of a balance and an entry far below it, so no arithmetic on points ever rounds.
 */

/** The largest purchase a till may post, in the program's currency, until the merchant sets its own. */
export const DEFAULT_MAX_PURCHASE = "10000.00";

/**
 * The largest balance a customer may hold: 10^12 points. Far beyond any real program (a customer earning
 * 10,000 points a day for a century holds 3.7×10^8), yet 9,000 times below MAX_SAFE_INTEGER, so a balance
 * plus any one credit (itself at most this), or the sum of thousands of balances, is still exact.
 * A credit past it is refused (409); a balance already past it (stored before this bound) can still be spent.
 */
export const MAX_BALANCE = 1_000_000_000_000;

/** Points issued or deducted by hand in one request; more is a typo (a barcode in the points field). */
export const MAX_MANUAL_POINTS = 1_000_000;

/** The highest cost of a reward. */
export const MAX_REWARD_POINTS = 10_000_000;

/** How far in the future a time may be, for clocks that run a little fast. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The merchant's maximum purchase, the default when it set none. */
export function maxPurchaseOf(merchant: Pick<Merchant, "maxPurchaseAmount"> | undefined): string {
  return merchant?.maxPurchaseAmount ?? DEFAULT_MAX_PURCHASE;
}

/** The currency a program's amounts are in: its purchase rule's, else (visits) the merchant's. */
export function programCurrency(
  program: Pick<Program, "rule">,
  merchant: Pick<Merchant, "currency">,
): string {
  return program.rule.kind === "purchase" ? program.rule.currency : merchant.currency;
}

const compare = (a: Decimal, b: Decimal) => {
  const left = a.units * pow10(b.scale);
  const right = b.units * pow10(a.scale);
  return left < right ? -1 : left > right ? 1 : 0;
};

/** An amount as the currency writes it ("10000.00 EUR", "10000 JPY") when that is exact, else as given. */
export function showAmount(amount: string, currency: string): string {
  const value = parseDecimal(amount);
  const minor = currencyMinorUnits(currency);
  if (!value || minor === undefined) return `${amount} ${currency}`;
  const shift = pow10(Math.abs(minor - value.scale));
  if (minor >= value.scale)
    return `${formatDecimal({ units: value.units * shift, scale: minor })} ${currency}`;
  if (value.units % shift !== 0n) return `${amount} ${currency}`;
  return `${formatDecimal({ units: value.units / shift, scale: minor })} ${currency}`;
}

/** Refuses (400 on `field`) an amount that is not a positive decimal, or is above `limit`, naming the limit. */
export function checkAmountAtMost(
  amount: string,
  currency: string,
  limit: string,
  field: string,
  limitName: string,
): void {
  const value = parseDecimal(amount);
  if (!value || value.units === 0n) {
    throw ValidationError.field(field, "must be a positive decimal number such as 23.40");
  }
  const max = parseDecimal(limit);
  if (!max) throw new Error(`invalid amount limit: ${limit}`);
  if (compare(value, max) > 0) {
    throw ValidationError.field(field, `must be at most ${showAmount(limit, currency)}, ${limitName}`);
  }
}

/**
 * A purchase a till or a customer claim states: at most the merchant's maximum purchase
 * (`maxPurchaseOf(merchant)`), which a barcode scanned into the amount field is far above.
 */
export function checkPurchaseAmount(amount: string, currency: string, merchantLimit: string): void {
  checkAmountAtMost(
    amount,
    currency,
    merchantLimit,
    "amount",
    "this merchant's maximum purchase (maxPurchaseAmount in the settings)",
  );
}

/**
 * Points a purchase earns, as computed by its rule: a generous rule on a large purchase must still fit a
 * balance. Number() of a BigInt past MAX_SAFE_INTEGER stays past it, so an inexact result is caught too.
 */
export function checkEarnedPoints(points: number, field = "amount"): void {
  if (!Number.isSafeInteger(points) || points > MAX_BALANCE) {
    throw ValidationError.field(field, `earns more than ${MAX_BALANCE} points, the most a balance can hold`);
  }
}

/** Refuses (409) a credit that would take the balance past MAX_BALANCE; debits always pass. */
export function checkCredit(balance: number, points: number): void {
  if (points <= 0) return;
  if (!Number.isSafeInteger(balance + points) || balance + points > MAX_BALANCE) {
    throw conflict(`This credit would take the balance past the maximum of ${MAX_BALANCE} points.`, {
      balance,
      points,
      maxBalance: MAX_BALANCE,
    });
  }
}

/**
 * When a back-dated visit or purchase happened: not before the merchant existed (no program could have
 * counted it), not in the future beyond a small clock skew. 400 on `field`.
 */
export function checkOccurredAt(
  iso: string,
  merchantCreatedAt: string,
  now: Date,
  field = "occurredAt",
): void {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw ValidationError.field(field, "must be an ISO 8601 date and time");
  if (at > now.getTime() + CLOCK_SKEW_MS) throw ValidationError.field(field, "cannot be in the future");
  const since = Date.parse(merchantCreatedAt);
  if (at < since) {
    throw ValidationError.field(
      field,
      `cannot be before the merchant joined (${new Date(since).toISOString()})`,
    );
  }
}
