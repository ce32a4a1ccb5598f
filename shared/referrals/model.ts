/**
 * A referral: a member (referrer) shared their code, a friend (referee) joined with it. It holds ids only,
 * never a name or contact, so erasing either member leaves nothing personal here.
 *
 * pending → qualified (the friend's first qualifying earn, which paid the friend in the same transaction)
 * → rewarded (the stream paid the referrer); pending → refused (a reason below); pending, rewarded →
 * cancelled (by staff, or the qualifying purchase returned), which takes both rewards back.
 */
/** Which side of a referral a member is on. */
export type ReferralRole = "referrer" | "referee";

export type ReferralStatus = "pending" | "qualified" | "rewarded" | "refused" | "cancelled";

/** Why a referral paid nothing, or stopped paying. */
export const REFERRAL_REASONS = [
  /** The friend's e-mail or phone is the referrer's own: the referrer joining with their own code. */
  "self_referral",
  /** The friend already had a card here. */
  "existing_member",
  /** The referrer had reached the program's referrals for the month. */
  "monthly_cap",
  /** The friend's pass and the referrer's are on the same Apple device. */
  "same_device",
  /** The first qualifying earn came after the deadline. */
  "deadline_passed",
  /** Cancelled by staff. */
  "cancelled_by_staff",
  /** The qualifying purchase was returned. */
  "purchase_returned",
] as const;
export type ReferralReason = (typeof REFERRAL_REASONS)[number];

export interface Referral {
  merchantId: string;
  id: string;
  referrerId: string;
  /** The friend's membership: the new one, or (existing_member, self_referral) the one that had the contact. */
  refereeId: string;
  status: ReferralStatus;
  reason?: ReferralReason;
  /** The program version whose settings this referral keeps. */
  programId: string;
  programVersion: number;
  referrerPoints: number;
  refereePoints: number;
  /** The first qualifying earn must come before this (ISO time). */
  deadline: string;
  createdAt: string;
  updatedAt: string;
  qualifiedAt?: string;
  cancelledAt?: string;
  /** The staff member who cancelled it, when cancelled by staff. */
  cancelledBy?: string;
  /** The friend's qualifying purchase or visit, and the rewards and reversals written for it. */
  qualifyingEntryId?: string;
  refereeEntryId?: string;
  referrerEntryId?: string;
  refereeReversalId?: string;
  referrerReversalId?: string;
}

/** What the friend's profile carries while the first qualifying earn is awaited, so the earn reads nothing more. */
export interface PendingReferral {
  id: string;
  referrerId: string;
  /** For the same-device check at qualification. */
  referrerPassSerial: string;
  programId: string;
  programVersion: number;
  refereePoints: number;
  deadline: string;
  /** false once decided (qualified, refused or cancelled): later earns no longer look at it. */
  pending: boolean;
}
