import type { ActivityType } from "../activity/filters.ts";
import type { EntryType } from "../model.ts";
import type { Moment } from "../notifications/outbox.ts";
import type { EarnRule } from "../programs/rules.ts";
import { EN } from "./explain/en.ts";
import { FR } from "./explain/fr.ts";
import {
  type ExplainableEntry,
  expiryParts,
  importParts,
  manualParts,
  purchaseParts,
  redemptionParts,
  referralReversalParts,
  referralRewardParts,
  refundParts,
  reversalParts,
  tierChangeParts,
  tierRewardParts,
  visitParts,
} from "./explain/parts.ts";
import type { Locale, Wording } from "./explain/wording.ts";

export type { ExplainableEntry } from "./explain/parts.ts";
export type { Locale } from "./explain/wording.ts";

/**
 * What each entry type means, in one place: the activity filters that list it, which way it moves the
 * balance, whether a claim for missing points can be about it, the Moment it is for the customer, and its
 * explanation. Read by the activity filters, Moments, e-mails, portal, Apple and Google passes and claims.
 *
 * Exhaustive by construction: ENTRY_TYPES `satisfies Record<EntryType, EntryTypeInfo>`, and every language
 * `satisfies Wording` (which has a summary per EntryType), so a type added to EntryType without its row,
 * or a row or language missing a field, does not compile (test/unit/entry-types/registry.test.ts shows it).
 */

/** Moments an entry can be; the others come from the outbox (reminders, a rejected claim) or follow a credit. */
export type EntryMoment = Extract<
  Moment,
  | "points_earned"
  | "points_added"
  | "points_expired"
  | "redemption_refunded"
  | "claim_decided"
  | "tier_reached"
>;

/** "credit": only when the entry gives points (points > 0). */
export type SignRule = "always" | "credit";

export interface EntryTypeInfo {
  /** The activity filters that list it, and when ("issued" is every entry that gave points). */
  activity: Partial<Record<ActivityType, SignRule>>;
  /** Which way it moves the balance; "either" for hand adjustments. See isCredit(). */
  direction: "credit" | "debit" | "either";
  /** As a credit, whether it stands for a visit or purchase a claim for missing points could be about. */
  recordsVisit: "always" | "visit_reasons" | "never";
  moment: (entry: ExplainableEntry) => EntryMoment | undefined;
  /** Its explanation in a language, from its structured fields; undefined when an older entry lacks them. */
  explain: (entry: ExplainableEntry, words: Wording) => string | undefined;
  /** What the member reads instead, when that differs from the explanation (a claim's approval). */
  forMember?: (entry: ExplainableEntry, words: Wording) => string | undefined;
}

const when = <T>(parts: T | undefined, words: (parts: T) => string) =>
  parts === undefined ? undefined : words(parts);

/** Manual credits that stand for a visit (rather than a goodwill gesture or a correction). */
const VISIT_REASONS: ReadonlySet<string> = new Set(["missed_scan", "wrong_amount"]);

export const ENTRY_TYPES = {
  purchase: {
    activity: { issued: "always" },
    direction: "credit",
    recordsVisit: "always",
    moment: (entry) => (entry.points > 0 ? "points_earned" : undefined),
    explain: (entry, words) => when(purchaseParts(entry), words.purchase),
  },
  visit: {
    activity: { issued: "always" },
    direction: "credit",
    recordsVisit: "always",
    moment: (entry) => (entry.points > 0 ? "points_earned" : undefined),
    explain: (entry, words) => when(visitParts(entry), words.visit),
  },
  manual: {
    activity: { manual: "always", issued: "credit" },
    direction: "either",
    recordsVisit: "visit_reasons",
    moment: (entry) => {
      if (entry.points <= 0) return undefined;
      return entry.refs?.claimId ? "claim_decided" : "points_added";
    },
    explain: (entry, words) => when(manualParts(entry), words.manual),
    forMember: (entry, words) => (entry.refs?.claimId ? words.claimApproved(entry.points) : undefined),
  },
  redemption: {
    activity: { redeemed: "always" },
    direction: "debit",
    recordsVisit: "never",
    moment: () => undefined,
    explain: (entry, words) => when(redemptionParts(entry), words.redemption),
  },
  refund: {
    activity: { refunded: "always" },
    direction: "credit",
    recordsVisit: "never",
    moment: (entry) => (entry.points > 0 ? "redemption_refunded" : undefined),
    explain: (entry, words) => when(refundParts(entry), words.refund),
  },
  reversal: {
    activity: { reversed: "always" },
    direction: "debit",
    recordsVisit: "never",
    moment: () => undefined,
    explain: (entry, words) => when(reversalParts(entry), words.reversal),
  },
  expiry: {
    activity: { expired: "always" },
    direction: "debit",
    recordsVisit: "never",
    moment: (entry) => (entry.points < 0 ? "points_expired" : undefined),
    explain: (entry, words) => when(expiryParts(entry), words.expiry),
  },
  // Zero points: in no activity filter (the unfiltered log lists it); a promotion is a Moment ("You are now Gold").
  tier_change: {
    activity: {},
    direction: "credit",
    recordsVisit: "never",
    moment: (entry) => (entry.inputs.direction === "promotion" ? "tier_reached" : undefined),
    explain: (entry, words) => when(tierChangeParts(entry), words.tierChange),
  },
  // Points a level gives once, chained after the promotion that reached it: listed with what was issued.
  tier_reward: {
    activity: { issued: "always" },
    direction: "credit",
    recordsVisit: "never",
    // The promotion's "You are now Gold" Moment tells it; a second message for the same step would be noise.
    moment: () => undefined,
    explain: (entry, words) => when(tierRewardParts(entry), words.tierReward),
  },
  // A balance brought from another platform: not points issued here, so in no activity filter (the
  // unfiltered log lists it), no Moment (members are told by the merchant, not once per imported line).
  import: {
    activity: {},
    direction: "credit",
    recordsVisit: "never",
    moment: () => undefined,
    explain: (entry, words) => when(importParts(entry), words.import),
  },
  // Points issued by a referral (shared/referrals/): listed with what was issued, told as points added.
  referral_reward: {
    activity: { issued: "always" },
    direction: "credit",
    recordsVisit: "never",
    moment: (entry) => (entry.points > 0 ? "points_added" : undefined),
    explain: (entry, words) => when(referralRewardParts(entry), words.referralReward),
  },
  referral_reversal: {
    activity: { reversed: "always" },
    direction: "debit",
    recordsVisit: "never",
    moment: () => undefined,
    explain: (entry, words) => when(referralReversalParts(entry), words.referralReversal),
  },
} satisfies Record<EntryType, EntryTypeInfo>;

export const ENTRY_TYPE_NAMES = Object.keys(ENTRY_TYPES) as EntryType[];

const info = (type: EntryType): EntryTypeInfo => ENTRY_TYPES[type];

export const WORDINGS = { en: EN, fr: FR } satisfies Record<Locale, Wording>;

/** The language explanations are recorded in (and hashed with the entry). */
export const RECORDED_LOCALE = "en" satisfies Locale;

/**
 * The explanation to record on a new entry, from its draft's structured fields. Throws when they are
 * missing: that is a bug in the operation, which must not record a vague text.
 */
export function explanationToRecord(draft: ExplainableEntry): string {
  const text = info(draft.type).explain(draft, WORDINGS[RECORDED_LOCALE]);
  if (text === undefined) {
    throw new Error(
      `a ${draft.type} entry lacks the fields its explanation needs (see shared/ledger/explain/parts.ts)`,
    );
  }
  return text;
}

/**
 * An entry's explanation in a language: rebuilt from its fields; for an older entry that lacks them, the
 * recorded text in the recorded language, and a short summary of what it did in any other.
 */
export function explainEntry(entry: ExplainableEntry, locale: Locale): string {
  const words = WORDINGS[locale];
  const rebuilt = info(entry.type).explain(entry, words);
  if (rebuilt !== undefined) return rebuilt;
  if (locale === RECORDED_LOCALE && entry.explanation) return entry.explanation;
  return words.summary[entry.type](entry.points);
}

/** What a member reads of an entry (portal, e-mails, passes). */
export function explainForMember(entry: ExplainableEntry, locale: Locale): string {
  return info(entry.type).forMember?.(entry, WORDINGS[locale]) ?? explainEntry(entry, locale);
}

export const describeRule = (rule: EarnRule, locale: Locale): string => WORDINGS[locale].rule(rule);

/** An entry that gave points. */
export const isCredit = (entry: Pick<ExplainableEntry, "type" | "points">): boolean =>
  info(entry.type).direction !== "debit" && entry.points > 0;

/** A credit that stands for a visit or purchase, which is what a claim for missing points looks for. */
export function recordsVisit(entry: Pick<ExplainableEntry, "type" | "points" | "reason">): boolean {
  if (!isCredit(entry)) return false;
  const rule = info(entry.type).recordsVisit;
  return rule === "always" || (rule === "visit_reasons" && VISIT_REASONS.has(entry.reason ?? ""));
}

export const entryMoment = (entry: ExplainableEntry): EntryMoment | undefined =>
  info(entry.type).moment(entry);

/** The activity filters that list this entry. */
export function activityTypesOf(entry: Pick<ExplainableEntry, "type" | "points">): ActivityType[] {
  return (Object.entries(info(entry.type).activity) as [ActivityType, SignRule][])
    .filter(([, rule]) => rule === "always" || isCredit(entry))
    .map(([activity]) => activity);
}

/** The entry types an activity filter lists: always, or only as credits. */
export function entryTypesListedUnder(activity: ActivityType): Record<SignRule, EntryType[]> {
  const listed: Record<SignRule, EntryType[]> = { always: [], credit: [] };
  for (const type of ENTRY_TYPE_NAMES) {
    const rule = info(type).activity[activity];
    if (rule) listed[rule].push(type);
  }
  return listed;
}
