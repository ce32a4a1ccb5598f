import type { LedgerEntry, RefundOutcome, RewardDiscount } from "../../model.ts";
import { currencyMinorUnits, type Decimal, formatDecimal, parseDecimal, pow10 } from "../../money.ts";
import type { ManualReason } from "../../transactions/manual.ts";
import type {
  ExpiryParts,
  ImportParts,
  ManualParts,
  PurchaseParts,
  RedemptionParts,
  ReferralReversalParts,
  ReferralRewardParts,
  RefundParts,
  ReversalParts,
  TierChangeParts,
  TierRewardParts,
  VisitParts,
} from "./wording.ts";

/**
 * The structured fields an explanation is rebuilt from, and the `inputs` keys each entry type records
 * for it. Each reader returns undefined when a field is missing (an entry written before it was
 * recorded): the caller then falls back to the recorded text.
 *
 * `inputs` keys, per type (all strings):
 * - purchase: amount (as the till sent it), currency.
 * - visit, manual: none (rule, points, reason, occurredAt and refs say it all).
 * - redemption: rewardId, redemptionId, rewardName, discount (JSON of the RewardDiscount) — redemptionInputs().
 * - refund: redemptionId, outcome (RefundOutcome), force ("true" | "false"), rewardName — refundInputs().
 * - reversal: amount (this return, to minor units), currency, purchaseAmount (the purchase's inputs.amount),
 *   returnedBefore (to minor units), purchasePoints (what the purchase earned), pointsTakenBefore (what
 *   earlier returns took back, shortfalls included) — the `inputs` computePurchaseReturn() returns.
 * - expiry: policy ("dated" | "inactivity"), expiredOn (the run's UTC day, YYYY-MM-DD); dated: expired (JSON
 *   of [{points, expiresAt}], one per expiry day); inactivity: days, lastEarnedAt — expiryInputs().
 * - tier_change: direction ("promotion" | "demotion"), from, to (level names), qualifying, threshold
 *   (integers), firstMonth, lastMonth (YYYY-MM), cause ("earn" | "review") — tierChangeInputs().
 * - tier_reward: level (the name of the level reached) — tierRewardInputs().
 * - import: platform, asOf (YYYY-MM-DD), importId, line (the CSV line number), reference (the source
 *   platform's id of the member, when the file has one) — importInputs().
 * - referral_reward: role ("referrer" | "referee"), joinedAt, qualifiedAt (ISO times) — referralRewardInputs().
 * - referral_reversal: role, cause ("purchase_returned" | "cancelled_by_staff"), reward (the points the
 *   reward gave) — referralReversalInputs(); `shortfall` as for a purchase return.
 * A purchase or visit under a program with tiers also records `tier` (name, multiplier) and, for a visit,
 * `raw` (the exact product before rounding down).
 */

/** The fields of an entry, or of an entry still being planned (no id, seq, hash or explanation yet). */
export type ExplainableEntry = Pick<LedgerEntry, "type" | "points" | "inputs"> &
  Partial<
    Pick<
      LedgerEntry,
      "rule" | "raw" | "shortfall" | "reason" | "occurredAt" | "refs" | "createdAt" | "explanation" | "tier"
    >
  >;

const day = (iso: string) => iso.slice(0, 10);
const isDay = (text: string | undefined): text is string => !!text && /^\d{4}-\d{2}-\d{2}/.test(text);
const integer = (text: string | undefined) =>
  text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The currency's minor units, and a decimal brought to them ("23.4" → "23.40"). */
function amounts(currency: string) {
  const minor = currencyMinorUnits(currency) ?? 2;
  const toMinor = (value: Decimal) => value.units * pow10(Math.max(0, minor - value.scale));
  return {
    minor,
    units: (text: string | undefined) => {
      const value = text === undefined ? undefined : parseDecimal(text);
      return value && value.scale <= minor ? toMinor(value) : undefined;
    },
    show: (units: bigint) => formatDecimal({ units, scale: minor }),
  };
}

/** An amount as a till sent it, shown to the currency's minor units (more digits are kept, never cut). */
export function showAmount(text: string, currency: string): string | undefined {
  const value = parseDecimal(text);
  if (!value) return undefined;
  const minor = currencyMinorUnits(currency) ?? 2;
  return formatDecimal({
    units: value.units * pow10(Math.max(0, minor - value.scale)),
    scale: Math.max(minor, value.scale),
  });
}

export function purchaseParts(entry: ExplainableEntry): PurchaseParts | undefined {
  const { rule, raw, inputs } = entry;
  if (rule?.kind !== "purchase" || raw === undefined || inputs.amount === undefined) return undefined;
  const amount = showAmount(inputs.amount, rule.currency);
  if (amount === undefined) return undefined;
  return {
    amount,
    currency: rule.currency,
    rule: { points: rule.points, per: rule.per, rounding: rule.rounding },
    raw,
    rounded: raw !== String(entry.points),
    points: entry.points,
    ...(entry.tier ? { tier: { name: entry.tier.name, multiplier: entry.tier.multiplier } } : {}),
  };
}

export function visitParts(entry: ExplainableEntry): VisitParts | undefined {
  if (entry.rule?.kind !== "visit") return undefined;
  const { tier, raw } = entry;
  if (tier && raw === undefined) return undefined;
  return {
    pointsPerVisit: entry.rule.pointsPerVisit,
    points: entry.points,
    ...(tier && raw !== undefined
      ? { tier: { name: tier.name, multiplier: tier.multiplier, raw, rounded: raw !== String(entry.points) } }
      : {}),
  };
}

export const tierChangeInputs = (change: TierChangeParts): Record<string, string> => ({
  direction: change.direction,
  from: change.from,
  to: change.to,
  qualifying: String(change.qualifying),
  threshold: String(change.threshold),
  firstMonth: change.firstMonth,
  lastMonth: change.lastMonth,
  cause: change.cause,
});

export function tierChangeParts(entry: ExplainableEntry): TierChangeParts | undefined {
  const { direction, from, to, firstMonth, lastMonth, cause } = entry.inputs;
  const qualifying = integer(entry.inputs.qualifying);
  const threshold = integer(entry.inputs.threshold);
  if (direction !== "promotion" && direction !== "demotion") return undefined;
  if (cause !== "earn" && cause !== "review") return undefined;
  if (from === undefined || to === undefined || qualifying === undefined || threshold === undefined) {
    return undefined;
  }
  if (!firstMonth || !lastMonth) return undefined;
  return { direction, from, to, qualifying, threshold, firstMonth, lastMonth, cause };
}

export const tierRewardInputs = (input: { level: string }): Record<string, string> => ({
  level: input.level,
});

export function tierRewardParts(entry: ExplainableEntry): TierRewardParts | undefined {
  const { level } = entry.inputs;
  if (!level) return undefined;
  return { points: entry.points, level };
}

/** An import's entry records where the balance comes from (shared/imports/): platform, asOf, reference, line. */
export const importInputs = (input: {
  platform: string;
  asOf: string;
  importId: string;
  line: number;
  reference?: string;
}): Record<string, string> => ({
  platform: input.platform,
  asOf: input.asOf,
  importId: input.importId,
  line: String(input.line),
  ...(input.reference ? { reference: input.reference } : {}),
});

export function importParts(entry: ExplainableEntry): ImportParts | undefined {
  const { platform, asOf } = entry.inputs;
  if (!platform || !isDay(asOf)) return undefined;
  return { points: entry.points, platform, on: day(asOf) };
}

export const referralRewardInputs = (input: {
  role: "referrer" | "referee";
  joinedAt: string;
  qualifiedAt: string;
}): Record<string, string> => ({
  role: input.role,
  joinedAt: input.joinedAt,
  qualifiedAt: input.qualifiedAt,
});

export function referralRewardParts(entry: ExplainableEntry): ReferralRewardParts | undefined {
  const { role, joinedAt, qualifiedAt } = entry.inputs;
  if (role !== "referrer" && role !== "referee") return undefined;
  if (!isDay(joinedAt) || !isDay(qualifiedAt)) return undefined;
  return { points: entry.points, role, joinedOn: day(joinedAt), qualifiedOn: day(qualifiedAt) };
}

export const referralReversalInputs = (input: {
  role: "referrer" | "referee";
  cause: "purchase_returned" | "cancelled_by_staff";
  reward: number;
}): Record<string, string> => ({ role: input.role, cause: input.cause, reward: String(input.reward) });

export function referralReversalParts(entry: ExplainableEntry): ReferralReversalParts | undefined {
  const { role, cause } = entry.inputs;
  const reward = integer(entry.inputs.reward);
  if (role !== "referrer" && role !== "referee") return undefined;
  if (cause !== "purchase_returned" && cause !== "cancelled_by_staff") return undefined;
  if (reward === undefined) return undefined;
  const shortfall = entry.shortfall ?? 0;
  return { role, cause, reward, taken: -entry.points, shortfall };
}

const MANUAL_REASONS: Record<ManualReason, true> = {
  missed_scan: true,
  wrong_amount: true,
  goodwill: true,
  correction: true,
  other: true,
};

export function manualParts(entry: ExplainableEntry): ManualParts | undefined {
  const { reason } = entry;
  if (reason === undefined || !Object.hasOwn(MANUAL_REASONS, reason)) return undefined;
  return {
    points: entry.points,
    reason: reason as ManualReason,
    ...(entry.occurredAt ? { on: day(entry.occurredAt) } : {}),
  };
}

export const redemptionInputs = (redemption: {
  rewardId: string;
  redemptionId: string;
  rewardName: string;
  discount: RewardDiscount;
}): Record<string, string> => ({ ...redemption, discount: JSON.stringify(redemption.discount) });

function isDiscount(value: unknown): value is RewardDiscount {
  const d = value as Partial<Record<string, unknown>> | null;
  if (typeof d !== "object" || d === null) return false;
  switch (d.kind) {
    case "fixed_amount":
      return typeof d.amount === "string" && typeof d.currency === "string";
    case "percentage":
      return typeof d.percent === "number";
    case "free_product":
      return typeof d.product === "string";
    default:
      return false;
  }
}

export function redemptionParts(entry: ExplainableEntry): RedemptionParts | undefined {
  const { rewardName } = entry.inputs;
  const discount = parseJson(entry.inputs.discount);
  if (rewardName === undefined || !isDiscount(discount)) return undefined;
  return { points: 0 - entry.points, rewardName, discount };
}

const REFUND_OUTCOMES: Record<RefundOutcome, true> = {
  revoked_and_refunded: true,
  refunded_not_revoked: true,
  refunded_after_use: true,
  refunded_usage_unknown: true,
};

export const refundInputs = (refund: {
  redemptionId: string;
  outcome: RefundOutcome;
  force: boolean;
  rewardName: string;
}): Record<string, string> => ({ ...refund, force: String(refund.force) });

export function refundParts(entry: ExplainableEntry): RefundParts | undefined {
  const { rewardName, outcome } = entry.inputs;
  if (rewardName === undefined || outcome === undefined || !Object.hasOwn(REFUND_OUTCOMES, outcome)) {
    return undefined;
  }
  return { points: entry.points, rewardName, outcome: outcome as RefundOutcome };
}

/** A return's arithmetic, from what computePurchaseReturn() decided (and, on an entry, its `inputs`). */
export function reversalPartsOf(facts: {
  currency: string;
  rounding: PurchaseParts["rule"]["rounding"];
  /** This return's amount, the purchase's, and what came back before, in minor units. */
  returning: bigint;
  total: bigint;
  returnedBefore: bigint;
  earned: number;
  raw: string;
  takenBefore: number;
  points: number;
  shortfall: number;
}): ReversalParts {
  const { show } = amounts(facts.currency);
  const returnedNow = facts.returnedBefore + facts.returning;
  const due = facts.points + facts.takenBefore;
  return {
    currency: facts.currency,
    amount: show(facts.returning),
    purchaseAmount: show(facts.total),
    whole: facts.returnedBefore === 0n && returnedNow === facts.total,
    ...(facts.returnedBefore === 0n ? {} : { returnedInAll: show(returnedNow) }),
    returnedNow: show(returnedNow),
    earned: facts.earned,
    raw: facts.raw,
    ...(facts.raw === String(due) ? {} : { rounding: facts.rounding }),
    due,
    takenBefore: facts.takenBefore,
    points: facts.points,
    taken: facts.points - facts.shortfall,
    shortfall: facts.shortfall,
  };
}

export function reversalParts(entry: ExplainableEntry): ReversalParts | undefined {
  const { rule, raw, inputs } = entry;
  if (rule?.kind !== "purchase" || raw === undefined) return undefined;
  const currency = inputs.currency ?? rule.currency;
  const { units } = amounts(currency);
  const returning = units(inputs.amount);
  const total = units(inputs.purchaseAmount);
  const returnedBefore = units(inputs.returnedBefore);
  const earned = integer(inputs.purchasePoints);
  const takenBefore = integer(inputs.pointsTakenBefore);
  if (
    returning === undefined ||
    total === undefined ||
    returnedBefore === undefined ||
    earned === undefined ||
    takenBefore === undefined
  ) {
    return undefined;
  }
  const shortfall = entry.shortfall ?? 0;
  return reversalPartsOf({
    currency,
    rounding: rule.rounding,
    returning,
    total,
    returnedBefore,
    earned,
    raw,
    takenBefore,
    points: 0 - entry.points + shortfall,
    shortfall,
  });
}

export type ExpiryInputs =
  | { policy: "dated"; expiredOn: string; expired: { points: number; expiresAt: string }[] }
  | { policy: "inactivity"; expiredOn: string; days: number; lastEarnedAt: string };

export function expiryInputs(expiry: ExpiryInputs): Record<string, string> {
  const on = day(expiry.expiredOn);
  return expiry.policy === "dated"
    ? { policy: "dated", expiredOn: on, expired: JSON.stringify(expiry.expired) }
    : {
        policy: "inactivity",
        expiredOn: on,
        days: String(expiry.days),
        lastEarnedAt: expiry.lastEarnedAt,
      };
}

export function expiryParts(entry: ExplainableEntry): ExpiryParts | undefined {
  const { inputs } = entry;
  // Written as its run's day; an entry's own time is that day too (the run writes it then).
  const on = inputs.expiredOn ?? entry.createdAt;
  if (!isDay(on)) return undefined;
  const points = 0 - entry.points;
  if (inputs.policy === "inactivity") {
    const days = integer(inputs.days);
    if (days === undefined || !isDay(inputs.lastEarnedAt)) return undefined;
    return { policy: "inactivity", points, on: day(on), days, since: day(inputs.lastEarnedAt) };
  }
  if (inputs.policy === "dated") {
    const expired = parseJson(inputs.expired);
    if (!Array.isArray(expired)) return undefined;
    const lots = expired.flatMap((lot: { points?: unknown; expiresAt?: unknown }) =>
      typeof lot?.points === "number" && typeof lot.expiresAt === "string" && isDay(lot.expiresAt)
        ? [{ points: lot.points, due: day(lot.expiresAt) }]
        : [],
    );
    if (lots.length === 0 || lots.length !== expired.length) return undefined;
    return { policy: "dated", points, on: day(on), lots };
  }
  return undefined;
}
