import { ValidationError } from "../errors.ts";
import { EN } from "../ledger/explain/en.ts";
import { currencyMinorUnits, formatDecimal, formatRatio, parseDecimal, pow10, type Ratio } from "../money.ts";

export type Rounding = "down" | "nearest" | "up";

/** Points for money spent: `points` for every `per` of `currency`, rounded as the merchant chose. */
export interface PurchaseRule {
  kind: "purchase";
  currency: string;
  points: number;
  per: string;
  rounding: Rounding;
}

/** Points for showing up; a minimum interval stops a double scan at the till from counting twice. */
export interface VisitRule {
  kind: "visit";
  pointsPerVisit: number;
  minMinutesBetweenVisits: number;
}

export type EarnRule = PurchaseRule | VisitRule;

export interface PurchaseInput {
  amount: string;
  currency: string;
}

export interface EarnComputation {
  points: number;
  /** The exact result before rounding, e.g. "23.4"; absent for visits without a tier multiplier. */
  raw?: string;
  explanation: string;
  /** The tier whose multiplier was applied, as the entry records it. */
  tier?: TierBonus;
}

/** A tier's earning multiplier, an exact decimal ("1.5"), applied inside the rule's arithmetic. */
export interface TierBonus {
  name: string;
  multiplier: string;
}

function multiplierOf(bonus: TierBonus | undefined): Ratio {
  if (!bonus) return { numerator: 1n, denominator: 1n };
  const m = parseDecimal(bonus.multiplier);
  if (!m || m.units === 0n)
    throw new Error(`Tier ${bonus.name} has an invalid multiplier: ${bonus.multiplier}`);
  return { numerator: m.units, denominator: pow10(m.scale) };
}

export function roundRatio(ratio: Ratio, rounding: Rounding): bigint {
  const { numerator: n, denominator: d } = ratio;
  const floor = n / d;
  const remainder = n % d;
  if (remainder === 0n) return floor;
  switch (rounding) {
    case "down":
      return floor;
    case "up":
      return floor + 1n;
    case "nearest":
      return remainder * 2n >= d ? floor + 1n : floor;
  }
}

/**
 * Validates a purchase against the rule and returns the points it earns, with the arithmetic spelled out
 * (in the words of shared/ledger/explain/en.ts, as an entry rebuilt from its fields says it).
 */
export function computePurchasePoints(
  rule: PurchaseRule,
  input: PurchaseInput,
  bonus?: TierBonus,
): EarnComputation {
  const problems: { field: string; reason: string }[] = [];
  const minor = currencyMinorUnits(rule.currency) ?? 2;
  if (input.currency !== rule.currency) {
    problems.push({ field: "currency", reason: `this program earns in ${rule.currency}` });
  }
  const amount = parseDecimal(input.amount);
  if (!amount) {
    problems.push({ field: "amount", reason: "must be a positive decimal number such as 23.40" });
  } else if (amount.units === 0n) {
    problems.push({ field: "amount", reason: "must be greater than zero" });
  } else if (amount.scale > minor) {
    problems.push({ field: "amount", reason: `${rule.currency} has at most ${minor} decimals` });
  }
  if (problems.length > 0 || !amount) throw new ValidationError(problems);

  const per = parseDecimal(rule.per);
  if (!per || per.units === 0n) throw new Error(`Program rule has an invalid 'per' amount: ${rule.per}`);
  // amount × points ÷ per × multiplier, every decimal brought to integers: (a/10^sa) × p ÷ (q/10^sq) × (m/10^sm),
  // so the multiplier is applied before the one rounding, never to an already rounded number.
  const m = multiplierOf(bonus);
  const ratio: Ratio = {
    numerator: amount.units * BigInt(rule.points) * pow10(per.scale) * m.numerator,
    denominator: per.units * pow10(amount.scale) * m.denominator,
  };
  const points = roundRatio(ratio, rule.rounding);
  const raw = formatRatio(ratio);
  const shownAmount = formatDecimal({ units: amount.units * pow10(minor - amount.scale), scale: minor });
  const explanation = EN.purchase({
    amount: shownAmount,
    currency: rule.currency,
    rule,
    raw,
    rounded: raw !== points.toString(),
    points: Number(points),
    ...(bonus ? { tier: bonus } : {}),
  });
  return { points: Number(points), raw, explanation, ...(bonus ? { tier: bonus } : {}) };
}

/** A visit's points; a tier multiplier's product is rounded down (a visit rule has no rounding of its own). */
export function computeVisitPoints(rule: VisitRule, bonus?: TierBonus): EarnComputation {
  const n = rule.pointsPerVisit;
  if (!bonus) return { points: n, explanation: EN.visit({ pointsPerVisit: n, points: n }) };
  const m = multiplierOf(bonus);
  const ratio: Ratio = { numerator: BigInt(n) * m.numerator, denominator: m.denominator };
  const points = Number(roundRatio(ratio, "down"));
  const raw = formatRatio(ratio);
  const explanation = EN.visit({
    pointsPerVisit: n,
    points,
    tier: { ...bonus, raw, rounded: raw !== String(points) },
  });
  return { points, raw, explanation, tier: bonus };
}

/**
 * The rule in English, for staff ("1 point per 1.00 EUR spent, rounded down"); customers read it in their
 * language through describeRule(rule, locale) in shared/ledger/entry-types.ts.
 */
export const describeRule = (rule: EarnRule): string => EN.rule(rule);
