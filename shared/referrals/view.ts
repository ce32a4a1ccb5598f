import type { Principal } from "../auth/principal.ts";
import { notFound } from "../errors.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { listReferralsOf } from "../store/referrals.ts";
import type { Referral, ReferralRole } from "./model.ts";
import { REASON_TEXTS } from "./reasons.ts";

export function referralView(referral: Referral) {
  return {
    id: referral.id,
    referrerId: referral.referrerId,
    refereeId: referral.refereeId,
    status: referral.status,
    reason: referral.reason ?? null,
    explanation: referral.reason ? REASON_TEXTS[referral.reason] : null,
    programId: referral.programId,
    programVersion: referral.programVersion,
    referrerPoints: referral.referrerPoints,
    refereePoints: referral.refereePoints,
    deadline: referral.deadline,
    qualifyingEntryId: referral.qualifyingEntryId ?? null,
    refereeEntryId: referral.refereeEntryId ?? null,
    referrerEntryId: referral.referrerEntryId ?? null,
    refereeReversalId: referral.refereeReversalId ?? null,
    referrerReversalId: referral.referrerReversalId ?? null,
    createdAt: referral.createdAt,
    updatedAt: referral.updatedAt,
  };
}

export type ReferralView = ReturnType<typeof referralView>;

/** A member's referrals: those they made, and the one they joined by, newest first. */
export async function listCustomerReferrals(
  deps: { db: Db },
  principal: Principal,
  customerId: string,
): Promise<{ referralCode: string | null; referrals: (ReferralView & { role: ReferralRole })[] }> {
  const customer = await readCustomer(deps.db, principal.merchantId, customerId);
  if (!customer) throw notFound("Customer");
  const referrals = await listReferralsOf(deps.db, principal.merchantId, customerId, customer.referral?.id);
  return {
    referralCode: customer.referralCode ?? null,
    referrals: referrals.map((r) => ({
      ...referralView(r),
      role: r.referrerId === customerId ? "referrer" : "referee",
    })),
  };
}
