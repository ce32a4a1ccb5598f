import type { Customer, EntryType, RefundOutcome, RewardDiscount } from "../../model.ts";
import type { EarnRule, Rounding } from "../../programs/rules.ts";
import type { ManualReason } from "../../transactions/manual.ts";

/** The languages customers read; entries are recorded in English (see RECORDED_LOCALE in ../entry-types.ts). */
export type Locale = Customer["locale"];

/**
 * What an explanation says, read from an entry's structured fields (./parts.ts) and already checked:
 * amounts are shown to the currency's minor units ("23.40"), dates are ISO days ("2026-01-15").
 * Each language words these the same facts (./en.ts, ./fr.ts).
 */

export interface PurchaseParts {
  amount: string;
  currency: string;
  rule: { points: number; per: string; rounding: Rounding };
  /** The exact value before rounding, e.g. "23.4" or "≈2.8333". */
  raw: string;
  /** Whether rounding changed anything (raw is not the points). */
  rounded: boolean;
  points: number;
  /** The customer's tier and its earning multiplier, when the program has tiers (shared/tiers/). */
  tier?: TierParts;
}

export interface TierParts {
  name: string;
  /** Exact decimal, e.g. "1.5". */
  multiplier: string;
}

export interface VisitParts {
  pointsPerVisit: number;
  points: number;
  /** With a tier: its multiplier, the exact product and whether rounding (down) changed it. */
  tier?: TierParts & { raw: string; rounded: boolean };
}

export interface TierChangeParts {
  direction: "promotion" | "demotion";
  from: string;
  to: string;
  /** Qualifying points in the window when it was decided, and the threshold of the level reached or lost. */
  qualifying: number;
  threshold: number;
  /** The window's first and last months ("2026-01"). */
  firstMonth: string;
  lastMonth: string;
  /** Why: an earn reached the threshold, the window moved (review), or a level was decided again. */
  cause: "earn" | "review";
}

export interface ImportParts {
  /** Points carried over, positive. */
  points: number;
  /** The platform the balance comes from, and the day it stood there ("as of", YYYY-MM-DD). */
  platform: string;
  on: string;
}

export interface ManualParts {
  /** Signed. */
  points: number;
  reason: ManualReason;
  /** The day of the visit or purchase credited, when it was not today. */
  on?: string;
}

export interface RedemptionParts {
  /** Points spent, positive. */
  points: number;
  rewardName: string;
  discount: RewardDiscount;
}

export interface RefundParts {
  /** Points given back, positive. */
  points: number;
  rewardName: string;
  outcome: RefundOutcome;
}

export interface ReversalParts {
  currency: string;
  /** This return's amount, and the purchase's. */
  amount: string;
  purchaseAmount: string;
  /** The whole purchase came back in this one return. */
  whole: boolean;
  /** Everything returned so far, this return included, when earlier returns took some already. */
  returnedInAll?: string;
  /** Everything returned so far, this return included (the proportion's numerator). */
  returnedNow: string;
  /** Points the purchase earned. */
  earned: number;
  raw: string;
  /** The rounding, when it changed anything. */
  rounding?: Rounding;
  /** Points due back for everything returned so far. */
  due: number;
  /** Points earlier returns took back. */
  takenBefore: number;
  /** Points this return takes back: due − takenBefore. */
  points: number;
  /** Of `points`, what the balance covered and what it could not (the shortfall). */
  taken: number;
  shortfall: number;
}

/** A referral's reward: who it is for, and the days the friend joined and made the first qualifying earn. */
/** A tier's entry reward: the level reached for the first time and the points it gives. */
export interface TierRewardParts {
  points: number;
  level: string;
}

export interface ReferralRewardParts {
  points: number;
  role: "referrer" | "referee";
  joinedOn: string;
  qualifiedOn: string;
}

/** A cancelled referral taking a reward back: why, what the reward was, and what the balance covered. */
export interface ReferralReversalParts {
  role: "referrer" | "referee";
  cause: "purchase_returned" | "cancelled_by_staff";
  reward: number;
  taken: number;
  shortfall: number;
}

export type ExpiryParts =
  | { policy: "inactivity"; points: number; on: string; days: number; since: string }
  | { policy: "dated"; points: number; on: string; lots: { points: number; due: string }[] };

/**
 * One language's words for every entry type and rule. Each language implements all of it (`satisfies
 * Wording`), so a type or a part left untranslated does not compile.
 */
export interface Wording {
  purchase(parts: PurchaseParts): string;
  visit(parts: VisitParts): string;
  manual(parts: ManualParts): string;
  /** What the member reads of the manual entry that credited their approved claim. */
  claimApproved(points: number): string;
  redemption(parts: RedemptionParts): string;
  refund(parts: RefundParts): string;
  reversal(parts: ReversalParts): string;
  expiry(parts: ExpiryParts): string;
  tierChange(parts: TierChangeParts): string;
  tierReward(parts: TierRewardParts): string;
  import(parts: ImportParts): string;
  referralReward(parts: ReferralRewardParts): string;
  referralReversal(parts: ReferralReversalParts): string;
  /** For an entry written before the fields its explanation needs were recorded: what it did, in short. */
  summary: Record<EntryType, (points: number) => string>;
  /** One line a customer can read, e.g. on the pass's back: "1 point per 1.00 EUR spent, rounded down". */
  rule(rule: EarnRule): string;
  /** What a reward gives, in a few words: "5.00 EUR off", "free Espresso". */
  discount(discount: RewardDiscount): string;
}
