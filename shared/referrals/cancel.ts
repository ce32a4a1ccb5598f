import type { Principal } from "../auth/principal.ts";
import { conflict, notFound } from "../errors.ts";
import type { Idempotency } from "../idempotency.ts";
import { referralReversalInputs } from "../ledger/explain/parts.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import { runWrite } from "../pipeline/write.ts";
import { readCustomer } from "../store/customers/profile.ts";
import { TransactionCancelled, transact } from "../store/db/transact.ts";
import {
  pendingReferralCleared,
  readReferral,
  referralTransition,
  updateReferral,
} from "../store/referrals.ts";
import type { Referral, ReferralRole } from "./model.ts";
import { systemKey } from "./system-keys.ts";
import { type ReferralView, referralView } from "./view.ts";

/**
 * Takes one reward of a cancelled referral back, as a new entry, never below zero: what the balance
 * cannot cover is recorded as `shortfall`, as for a purchase return, and not collected later. Under a key
 * of its own, so a cancellation resumed after a failure takes nothing twice.
 */
async function reverseReward(
  deps: LedgerDeps,
  referral: Referral,
  role: ReferralRole,
  cause: "purchase_returned" | "cancelled_by_staff",
  staffId: string | undefined,
): Promise<void> {
  const entryId = role === "referee" ? referral.refereeEntryId : referral.referrerEntryId;
  const done = role === "referee" ? referral.refereeReversalId : referral.referrerReversalId;
  const reward = role === "referee" ? referral.refereePoints : referral.referrerPoints;
  if (!entryId || done) return;
  await ledgerWrite(deps, {
    name: "referrals.reverse",
    merchantId: referral.merchantId,
    idempotency: systemKey(referral.id, `${role}-reversal`),
    loadReadsOnly: true,
    load: async () => undefined,
    customerId: () => (role === "referee" ? referral.refereeId : referral.referrerId),
    plan: ({ customer, now }) => {
      const taken = Math.min(reward, customer.balance);
      const shortfall = reward - taken;
      return {
        entry: {
          type: "referral_reversal",
          // 0 - taken rather than -taken: a reward of 0 points must not write -0.
          points: 0 - taken,
          ...(shortfall > 0 ? { shortfall } : {}),
          ...(staffId ? { staffId } : {}),
          programId: referral.programId,
          programVersion: referral.programVersion,
          inputs: referralReversalInputs({ role, cause, reward }),
          refs: { entryId, referralId: referral.id },
        },
        itemsAfter: ([entry]) => [
          referralTransition(deps.db, referral, ["cancelled"], {
            [role === "referee" ? "refereeReversalId" : "referrerReversalId"]: entry?.id,
            updatedAt: now.toISOString(),
          }),
        ],
        result: (entry) => entry.id,
      };
    },
  });
}

/**
 * Cancels a referral (staff, or its qualifying purchase returned): the referral is marked cancelled first
 * (a pending one with the friend's profile, in one transaction, so a purchase racing it no longer
 * qualifies), then each reward paid is taken back. Cancelling one already cancelled finishes what a failure
 * may have left and changes nothing more; a refused referral paid nothing and cannot be cancelled.
 */
export async function cancelReferral(
  deps: LedgerDeps,
  merchantId: string,
  referralId: string,
  cause: "purchase_returned" | "cancelled_by_staff",
  staffId: string | undefined,
): Promise<Referral> {
  const { db } = deps;
  for (let attempt = 0; attempt < 5; attempt++) {
    const referral = await readReferral(db, merchantId, referralId);
    if (!referral) throw notFound("Referral");
    if (referral.status === "refused") {
      throw conflict("This referral was refused: it paid nothing to cancel.", { reason: referral.reason });
    }
    if (referral.status !== "cancelled") {
      const at = deps.clock().toISOString();
      const set: Partial<Referral> = {
        status: "cancelled",
        reason: cause,
        cancelledAt: at,
        ...(staffId ? { cancelledBy: staffId } : {}),
        updatedAt: at,
      };
      try {
        if (referral.status === "pending") {
          await transact(db, [
            referralTransition(db, referral, ["pending"], set),
            pendingReferralCleared(db, merchantId, referral.refereeId, referral.id),
          ]);
        } else if (!(await updateReferral(db, referral, [referral.status], set))) {
          continue;
        }
      } catch (error) {
        if (error instanceof TransactionCancelled) continue;
        throw error;
      }
    }
    const cancelled = (await readReferral(db, merchantId, referralId)) ?? referral;
    const why = cancelled.reason === "purchase_returned" ? "purchase_returned" : "cancelled_by_staff";
    await reverseReward(deps, cancelled, "referee", why, staffId);
    await reverseReward(deps, cancelled, "referrer", why, staffId);
    return (await readReferral(db, merchantId, referralId)) ?? cancelled;
  }
  throw conflict("This referral is changing; retry.");
}

/**
 * A purchase return (a `reversal` entry, seen by the stream) of the purchase that qualified the member's
 * referral cancels it. One profile read per return; nothing for members who joined without a code.
 */
export async function cancelOnReturn(
  deps: LedgerDeps,
  merchantId: string,
  customerId: string,
  purchaseId: string,
): Promise<void> {
  const customer = await readCustomer(deps.db, merchantId, customerId);
  const referralId = customer?.referral?.id;
  if (!referralId) return;
  const referral = await readReferral(deps.db, merchantId, referralId);
  if (referral?.qualifyingEntryId !== purchaseId) return;
  if (
    referral.status === "refused" ||
    (referral.status === "cancelled" && referral.reason !== "purchase_returned")
  )
    return;
  await cancelReferral(deps, merchantId, referralId, "purchase_returned", undefined);
}

/**
 * POST /v1/referrals/{id}/cancel, for staff, under the request's Idempotency-Key: a replay answers what the
 * first request did, and the key reused for another referral is refused. The cancellation runs before the
 * key is stored with its answer: it is keyed per referral (its reversals under keys of their own), so run
 * again after a failure in between, it takes nothing twice.
 */
export async function cancelReferralByStaff(
  deps: LedgerDeps,
  principal: Principal,
  referralId: string,
  idempotency: Idempotency,
): Promise<{ referral: ReferralView }> {
  const { result } = await runWrite(deps, {
    name: "referrals.cancel",
    merchantId: principal.merchantId,
    idempotency,
    load: () =>
      cancelReferral(deps, principal.merchantId, referralId, "cancelled_by_staff", principal.staffId),
    attempt: async (referral) => ({ items: [], result: { referral: referralView(referral) } }),
  });
  return result;
}
