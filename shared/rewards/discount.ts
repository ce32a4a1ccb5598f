import { type FieldProblem, ValidationError } from "../errors.ts";
import type { RewardDiscount } from "../model.ts";
import { currencyMinorUnits, formatDecimal, parseDecimal, pow10 } from "../money.ts";

/**
 * Checks what a reward gives and brings a fixed amount to the currency's minor units ("5" → "5.00"),
 * so every coupon of the reward states the same amount. `field` prefixes the names in the 400.
 */
export function checkDiscount(discount: RewardDiscount, field = "discount"): RewardDiscount {
  if (discount.kind !== "fixed_amount") return discount;
  const problems: FieldProblem[] = [];
  const minor = currencyMinorUnits(discount.currency);
  if (minor === undefined) {
    problems.push({ field: `${field}.currency`, reason: "is not an ISO 4217 currency code" });
  }
  const amount = parseDecimal(discount.amount);
  if (!amount || amount.units === 0n) {
    problems.push({ field: `${field}.amount`, reason: "must be a positive decimal number such as 5.00" });
  } else if (minor !== undefined && amount.scale > minor) {
    problems.push({ field: `${field}.amount`, reason: `${discount.currency} has at most ${minor} decimals` });
  }
  if (problems.length > 0 || !amount || minor === undefined) throw new ValidationError(problems);
  const units = amount.units * pow10(minor - amount.scale);
  return {
    kind: "fixed_amount",
    amount: formatDecimal({ units, scale: minor }),
    currency: discount.currency,
  };
}

/** What the customer gets, in a few words: "5.00 EUR off", "10% off", "free Espresso". */
export function describeDiscount(discount: RewardDiscount): string {
  switch (discount.kind) {
    case "fixed_amount":
      return `${discount.amount} ${discount.currency} off`;
    case "percentage":
      return `${discount.percent}% off`;
    case "free_product":
      return `free ${discount.product}`;
  }
}
