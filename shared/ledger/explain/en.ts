import type { RefundOutcome } from "../../model.ts";
import type { Rounding } from "../../programs/rules.ts";
import { describeDiscount } from "../../rewards/discount.ts";
import type { ManualReason } from "../../transactions/manual.ts";
import type { Wording } from "./wording.ts";

/**
 * English: the language entries are recorded in. These are, word for word, the explanations the
 * operations have always written, so an entry rebuilt from its fields reads as it was recorded.
 */

const pointsWord = (n: number | bigint) => (n === 1 || n === 1n ? "point" : "points");
const points = (n: number) => `${n} ${pointsWord(n)}`;
const signed = (n: number) => `${n > 0 ? "+" : "−"}${Math.abs(n)}`;

const roundingWords: Record<Rounding, string> = {
  down: "rounded down",
  up: "rounded up",
  nearest: "rounded to the nearest point",
};

const REASONS: Record<ManualReason, string> = {
  missed_scan: "missed scan",
  wrong_amount: "wrong amount entered",
  goodwill: "goodwill",
  correction: "correction",
  other: "other",
};

/** What a refund did about the coupon; also the refund's `message` to staff. */
export const REFUND_MESSAGES: Record<RefundOutcome, string> = {
  revoked_and_refunded: "The coupon was revoked and the points were returned.",
  refunded_not_revoked:
    "The points were returned. The reward was deleted, so the coupon could not be revoked; its status is unchanged.",
  refunded_after_use:
    "The points were returned. The coupon had already been used: the discount the customer received is not undone.",
  refunded_usage_unknown:
    "The points were returned. This coupon is not tracked, so whether it was or will be used cannot be known.",
};

export const EN = {
  purchase: (p) =>
    `${p.amount} ${p.currency} × ${points(p.rule.points)} per ${p.rule.per} ${p.currency}${p.tier ? ` × ${p.tier.multiplier} (${p.tier.name})` : ""} = ${p.raw}${p.rounded ? `, ${roundingWords[p.rule.rounding]}` : ""} → ${points(p.points)}`,
  visit: (p) =>
    p.tier
      ? `1 visit × ${points(p.pointsPerVisit)} per visit × ${p.tier.multiplier} (${p.tier.name}) = ${p.tier.raw}${p.tier.rounded ? `, ${roundingWords.down}` : ""} → ${points(p.points)}`
      : `1 visit × ${points(p.pointsPerVisit)} per visit → ${points(p.points)}`,
  manual: (p) =>
    `${p.points > 0 ? "Issued" : "Deducted"} by hand${p.on ? ` for ${p.on}` : ""}: ${signed(p.points)} points (${REASONS[p.reason]})`,
  claimApproved: (n) => `Claim approved: ${signed(n)} points`,
  redemption: (p) => `${p.points} points spent on “${p.rewardName}” (${describeDiscount(p.discount)})`,
  refund: (p) =>
    `Redemption of “${p.rewardName}” cancelled: ${p.points} points returned. ${REFUND_MESSAGES[p.outcome]}`,
  reversal: (p) => {
    const earned = points(p.earned);
    const arithmetic = p.whole
      ? `Return of the whole ${p.purchaseAmount} ${p.currency} purchase → all ${earned} taken back`
      : `Return of ${p.amount} ${p.currency} of a ${p.purchaseAmount} ${p.currency} purchase${p.returnedInAll ? ` (${p.returnedInAll} ${p.currency} returned in all)` : ""}: ${earned} × ${p.returnedNow} ÷ ${p.purchaseAmount} = ${p.raw}${p.rounding ? `, ${roundingWords[p.rounding]}` : ""} → ${points(p.due)}${p.takenBefore === 0 ? "" : `; ${p.takenBefore} already taken back → ${points(p.points)}`}`;
    return p.shortfall > 0
      ? `${arithmetic}; the balance covered ${p.taken}, ${p.shortfall} could not be taken back (shortfall)`
      : arithmetic;
  },
  expiry: (p) =>
    p.policy === "inactivity"
      ? `${p.points} points expired on ${p.on}: no points earned for ${p.days} days since ${p.since}`
      : `${p.points} points expired on ${p.on}: ${p.lots.map((lot) => `${lot.points} expiring ${lot.due}`).join(", ")}`,
  tierChange: (p) =>
    p.direction === "promotion"
      ? `Promoted from ${p.from} to ${p.to}: ${points(p.qualifying)} qualifying from ${p.firstMonth} to ${p.lastMonth} (${p.to} from ${p.threshold})`
      : `Moved from ${p.from} to ${p.to}: ${points(p.qualifying)} qualifying from ${p.firstMonth} to ${p.lastMonth}, below the ${p.threshold} ${p.from} needs`,
  tierReward: (p) => `Welcome to ${p.level}: ${points(p.points)} for reaching it`,
  import: (p) => `Balance carried over from ${p.platform} on ${p.on}`,
  // Never the other member's name: entries hold no personal data.
  referralReward: (p) =>
    p.role === "referrer"
      ? `Referral: a friend you referred joined on ${p.joinedOn} and made a first purchase on ${p.qualifiedOn} → ${points(p.points)}`
      : `Referral: you joined with a friend's code on ${p.joinedOn} and made a first purchase on ${p.qualifiedOn} → ${points(p.points)}`,
  referralReversal: (p) => {
    const why =
      p.cause === "purchase_returned" ? "the qualifying purchase was returned" : "cancelled by staff";
    const taken = `Referral cancelled (${why}): the ${points(p.reward)} it gave taken back`;
    return p.shortfall > 0
      ? `${taken}; the balance covered ${p.taken}, ${p.shortfall} could not be taken back (shortfall)`
      : taken;
  },
  summary: {
    purchase: (n) => `Purchase: ${signed(n)} points`,
    visit: (n) => `Visit: ${signed(n)} points`,
    manual: (n) => `${n > 0 ? "Issued" : "Deducted"} by hand: ${signed(n)} points`,
    redemption: (n) => `Spent on a reward: ${signed(n)} points`,
    refund: (n) => `Redemption cancelled, points returned: ${signed(n)} points`,
    reversal: (n) => `Purchase returned, points taken back: ${signed(n)} points`,
    expiry: (n) => `Points expired: ${signed(n)} points`,
    tier_change: () => "Tier changed",
    tier_reward: (n) => `Tier reward: ${signed(n)} points`,
    import: (n) => `Balance carried over: ${signed(n)} points`,
    referral_reward: (n) => `Referral: ${signed(n)} points`,
    referral_reversal: (n) => `Referral cancelled: ${signed(n)} points`,
  },
  rule: (rule) => {
    if (rule.kind === "visit") {
      const gap =
        rule.minMinutesBetweenVisits > 0
          ? ` (at most one visit every ${rule.minMinutesBetweenVisits} minutes)`
          : "";
      return `${points(rule.pointsPerVisit)} per visit${gap}`;
    }
    return `${points(rule.points)} per ${rule.per} ${rule.currency} spent, ${roundingWords[rule.rounding]}`;
  },
  discount: describeDiscount,
} satisfies Wording;
