import type { AlertRules } from "./alerts/rules.ts";
import type { Permission } from "./auth/permissions.ts";
import type { ExpiryPolicy } from "./expiry/policy.ts";
import type { OpeningHours } from "./merchants/opening-hours.ts";
import type { Moment } from "./notifications/outbox.ts";
import type { EarnRule } from "./programs/rules.ts";
import type { PendingReferral } from "./referrals/model.ts";
import type { ReferralSettings } from "./referrals/settings.ts";
import type { TierState } from "./tiers/qualify.ts";
import type { TierSettings } from "./tiers/settings.ts";

/** The shapes stored in the table and returned by the domain, without their storage keys. */

export interface Merchant {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2; the default region for phone numbers. */
  country: string;
  currency: string;
  /** Expiry of points credited outside a program (manual points without a location, refunds). */
  expiry?: ExpiryPolicy;
  /** The merchant's own choice of permissions per role; roles not listed keep the defaults. */
  rolePermissions?: Partial<Record<Role, Permission[]>>;
  /** How the merchant's passes look and whom customers can contact. */
  branding?: Branding;
  /** Which Moments customers are told about; a Moment not listed is on. */
  moments?: Partial<Record<Moment, boolean>>;
  /** The largest purchase a till may post, in the program's currency; absent: shared/bounds.ts's default. */
  maxPurchaseAmount?: string;
  /** Fraud and abuse rules evaluated on the table's stream (shared/alerts/rules.ts); absent: none. */
  alertRules?: AlertRules;
  /**
   * "pending": made by a public sign-up, and nobody has signed in for it yet; the owner's first signed-in
   * request makes it active (shared/auth/principal.ts). Absent: active (merchants made before sign-up).
   */
  status?: "pending" | "active";
  /** The language the owner chose at sign-up. */
  locale?: "fr" | "en";
  createdAt: string;
}

export interface Location {
  merchantId: string;
  id: string;
  name: string;
  programId: string;
  /** Weekly hours in the location's time zone (shared/merchants/opening-hours.ts); absent: not known. */
  openingHours?: OpeningHours;
  createdAt: string;
  updatedAt?: string;
}

export interface Program {
  merchantId: string;
  id: string;
  name: string;
  /** Bumped on every change; entries record the version they were computed with. */
  version: number;
  rule: EarnRule;
  /** Applies to points earned while this version is current; absent means points do not expire. */
  expiry?: ExpiryPolicy;
  /** VIP tiers of this version; absent: none. */
  tiers?: TierSettings;
  /** Referral rewards of this version (shared/referrals/); absent: none. */
  referrals?: ReferralSettings;
  updatedAt: string;
  /** The staff member who saved this version; absent on seeded programs. */
  updatedBy?: string;
}

export type Role = "owner" | "manager" | "staff";

export interface Staff {
  merchantId: string;
  id: string;
  name: string;
  role: Role;
  /** Locations this person may act at; "*" for all of the merchant's locations. */
  locationIds: string[] | "*";
  /** Lower-cased; the address the person signs in with. */
  email?: string;
  /** The person's user in the sign-in directory (its Cognito username, the user's sub), once they have one. */
  signInUser?: string;
  active: boolean;
  createdAt: string;
  updatedAt?: string;
}

export interface Customer {
  merchantId: string;
  id: string;
  name: string;
  phone?: string;
  email?: string;
  locale: "fr" | "en";
  /** Consent to marketing email; service notifications do not depend on it. */
  marketingConsent: boolean;
  /** Consent to messages about the card itself (its links, its points), asked by the join page. Absent: not asked. */
  transactionalConsent?: boolean;
  /** Where the customer joined by themselves (the join page's `?location=`), when it was one of the merchant's. */
  joinedLocationId?: string;
  /** Set when the member's personal data was erased (shared/customers/erase.ts): the pass is void. */
  erasedAt?: string;
  barcode: string;
  passSerial: string;
  passToken: string;
  balance: number;
  /**
   * Points debited and not yet charged to a lot (shared/ledger/lots.ts): balance = Σ lots − spent. Absent: 0.
   * Guards every ledger write with seq, since it also falls without an entry (lots already spent leaving).
   */
  spent?: number;
  /** Number of ledger entries; the next entry gets seq + 1. Guards every write to the balance. */
  seq: number;
  /** Hash of the newest entry (the chain head). */
  headHash: string;
  /** Last visit per program id, for the minimum interval between visits. */
  lastVisits: Record<string, string>;
  /** Standing per program id in that program's tiers; only ledger writes change it. Absent: none yet. */
  tiers?: Record<string, TierState>;
  /** The earliest of their review times: the due index's tier-review item carries the same. */
  tierReviewAt?: string;
  /** The member's own code friends join with (shared/referrals/); absent on members enrolled before referrals. */
  referralCode?: string;
  /** The referral this member joined through, while its first qualifying earn is awaited (shared/referrals/). */
  referral?: PendingReferral;
  createdAt: string;
  updatedAt: string;
}

/**
 * purchase, visit: earned at a till. manual: issued or deducted by hand. redemption: spent on a reward.
 * refund: points given back when a redemption is cancelled. reversal: points taken back after a purchase
 * return. expiry: points that expired.
 */
export type EntryType =
  | "purchase"
  | "visit"
  | "manual"
  | "redemption"
  | "refund"
  | "reversal"
  | "expiry"
  /** A VIP tier reached or lost (zero points; shared/tiers/). */
  | "tier_change"
  /** Points a tier gives once, the first time a member reaches it (shared/tiers/). */
  | "tier_reward"
  /** A balance carried over from another platform by a CSV import (shared/imports/). */
  | "import"
  /** Points a referral gave the referrer or the friend referred (shared/referrals/). */
  | "referral_reward"
  /** A cancelled referral taking its reward back, never below zero (shared/referrals/). */
  | "referral_reversal";

/** Entries never change; a correction is a new entry pointing at what it corrects. */
export interface EntryRefs {
  entryId?: string;
  redemptionId?: string;
  claimId?: string;
  /** The held manual points (shared/alerts/holds.ts) whose approval wrote this entry. */
  holdId?: string;
  /** The referral a referral_reward or referral_reversal belongs to (shared/referrals/). */
  referralId?: string;
}

export interface LedgerEntry {
  id: string;
  merchantId: string;
  customerId: string;
  seq: number;
  type: EntryType;
  /** Signed integer change of the balance. */
  points: number;
  balanceAfter: number;
  locationId?: string;
  staffId?: string;
  programId?: string;
  programVersion?: number;
  /** What the computation started from, as the client sent it (e.g. amount and currency). */
  inputs: Record<string, string>;
  /** The rule as it stood when the points were computed, so the explanation stays provable. */
  rule?: EarnRule;
  /** Exact value before rounding. */
  raw?: string;
  /**
   * Points a reversal should have taken back but could not, because the balance no longer covered them:
   * the balance stops at zero and the rest is recorded here, never collected later.
   */
  shortfall?: number;
  explanation: string;
  /** Why a person changed the balance by hand, from a fixed list, and their free-text note. */
  reason?: string;
  note?: string;
  /** The note's salt and salted digest: the hash covers the digest, so erasure can remove note and salt. */
  noteSalt?: string;
  noteDigest?: string;
  /** When what the entry records happened, if not when it was written (e.g. a visit credited later). */
  occurredAt?: string;
  /** When these points expire on their own, per the expiry policy in force when they were earned. */
  expiresAt?: string;
  /** The tier the customer held when the points were computed, and its earning multiplier (shared/tiers/). */
  tier?: { name: string; multiplier: string };
  refs?: EntryRefs;
  createdAt: string;
  prevHash: string;
  hash: string;
}

/** What a reward gives; a redemption keeps a copy, so its history survives changes to the catalogue. */
export type RewardDiscount =
  | { kind: "fixed_amount"; amount: string; currency: string }
  | { kind: "percentage"; percent: number }
  | { kind: "free_product"; product: string };

/** Where a reward's coupons live: in our table, or in an external commerce platform (COUPON_ISSUER_URL). */
export type CouponIssuerKind = "internal" | "external";

export interface Reward {
  merchantId: string;
  id: string;
  programId: string;
  name: string;
  /** Points a customer spends on it; a positive integer. */
  points: number;
  discount: RewardDiscount;
  issuer: CouponIssuerKind;
  /** Archived rewards cannot be redeemed any more; redemptions already made keep pointing at them. */
  status: "active" | "archived";
  createdAt: string;
  updatedAt: string;
  archivedAt?: string;
}

/** The coupon as we know it: issued (usable), used, or revoked by a refund. */
export type RedemptionStatus = "issued" | "used" | "revoked";

export type RefundOutcome =
  | "revoked_and_refunded"
  | "refunded_not_revoked"
  | "refunded_after_use"
  | "refunded_usage_unknown";

export interface Redemption {
  merchantId: string;
  id: string;
  customerId: string;
  rewardId: string;
  programId: string;
  /** The reward as it stood when it was redeemed. */
  reward: { name: string; discount: RewardDiscount };
  points: number;
  code: string;
  issuer: CouponIssuerKind;
  /** "untracked": the issuer cannot tell us whether the code was used or revoke it. */
  tracking: "tracked" | "untracked";
  status: RedemptionStatus;
  locationId: string;
  staffId: string;
  /** The ledger entry that took the points, by its place in the customer's chain. */
  entrySeq: number;
  createdAt: string;
  usedAt?: string;
  usedLocationId?: string;
  usedBy?: string;
  revokedAt?: string;
  /** Set once, by the refund that gave the points back. */
  refund?: {
    at: string;
    outcome: RefundOutcome;
    staffId: string;
    entrySeq: number;
    note?: string;
  };
}

/**
 * A customer's claim for points they did not receive. `already_credited`: matched to an entry when it was
 * filed, so nobody needs to act; staff may still decide it. pending → approved | rejected.
 */
export type ClaimStatus = "pending" | "already_credited" | "approved" | "rejected";

/**
 * The help article's checks, run when the claim is filed. already_credited: an entry at the claimed location
 * and time (and amount, if given) exists. amount_differs: a purchase was credited there then, for another
 * amount. other_location: the visit was scanned at another location. no_match: nothing was credited then.
 */
export type ClaimOutcome = "already_credited" | "amount_differs" | "other_location" | "no_match";

/** The entry a claim was matched to, as the customer may see it. */
export interface ClaimMatchedEntry {
  id: string;
  seq: number;
  type: EntryType;
  points: number;
  locationId: string | null;
  amount: string | null;
  currency: string | null;
  /** When what it records happened: its occurredAt, else its createdAt. */
  at: string;
  explanation: string;
}

export interface ClaimMatch {
  outcome: ClaimOutcome;
  entry?: ClaimMatchedEntry;
  /** What the claimed location's rule gives for the claim, less what `entry` already credited. */
  proposal?: { points: number; explanation: string; programId: string; programVersion: number };
}

export interface Claim {
  merchantId: string;
  id: string;
  customerId: string;
  status: ClaimStatus;
  occurredAt: string;
  locationId: string;
  amount?: string;
  currency?: string;
  /** As the customer typed it; unique per location once normalised (see normalizeReceipt in shared/claims/claim.ts). */
  receiptNumber?: string;
  description: string;
  match: ClaimMatch;
  createdAt: string;
  updatedAt: string;
  decision?: {
    at: string;
    staffId: string;
    /** Approved: the points credited, and the manual entry that credited them (by its place in the chain). */
    points?: number;
    entrySeq?: number;
    /** Rejected: why, for the customer. */
    reason?: string;
  };
}

export interface Branding {
  /** Pass colours as Apple writes them: "rgb(r, g, b)". */
  backgroundColor?: string;
  foregroundColor?: string;
  labelColor?: string;
  /** The logo shown on the pass: a PNG, base64, at most 64 KB (Apple: up to 160×50 points, @2x). */
  logoPngBase64?: string;
  contact?: { phone?: string; email?: string; website?: string };
  /** The loyalty programme's terms (https), linked from the join page next to the consents. */
  termsUrl?: string;
}
