import { type Principal, requireLocation } from "../auth/principal.ts";
import type { CouponRef } from "../coupons/issuer.ts";
import { issuersFromEnv } from "../coupons/issuers.ts";
import { conflict, notFound } from "../errors.ts";
import { creditExpiryPolicy } from "../expiry/credit-policy.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { REFUND_MESSAGES as MESSAGES } from "../ledger/explain/en.ts";
import { refundInputs } from "../ledger/explain/parts.ts";
import { noteAttributes } from "../ledger/hash-chain.ts";
import { getReward } from "../merchants/directory.ts";
import type { Redemption, RedemptionStatus, RefundOutcome } from "../model.ts";
import { ledgerWrite } from "../pipeline/ledger-write.ts";
import type { WriteResult } from "../pipeline/write.ts";
import { getRedemption, redemptionEntry, refundItem } from "../store/redemptions.ts";
import { type EntryView, entryView } from "../views.ts";
import type { RedemptionDeps } from "./redeem.ts";
import { alreadyRefunded, type RedemptionView, redemptionView } from "./view.ts";

export interface RefundInput {
  /** Give the points back even when the coupon was used or can no longer be revoked. */
  force?: boolean;
  note?: string;
}

export type RefundBody = {
  outcome: RefundOutcome;
  message: string;
  redemption: RedemptionView;
  entry: EntryView;
};

interface Decision {
  outcome: RefundOutcome;
  /** The coupon's status once refunded. */
  status: RedemptionStatus;
}

/**
 * Cancels a redemption: revokes the coupon where it can be, and gives the points back, once. The
 * decision is taken again on every attempt from a fresh read, and the refund is written only if the
 * redemption is still unrefunded and in the status the decision saw (a condition in the same
 * transaction as the ledger entry), so two refunds sent at once give the points back exactly once.
 */
export async function refundRedemption(
  deps: RedemptionDeps,
  principal: Principal,
  redemptionId: string,
  input: RefundInput,
  idempotencyKey: string | undefined,
): Promise<WriteResult<RefundBody>> {
  const { db } = deps;
  const { merchantId } = principal;
  const force = input.force ?? false;
  return ledgerWrite(deps, {
    name: "redemptions.refund",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "redemptions.refund", { redemptionId, ...input }),
    loadReadsOnly: true,
    load: async () => {
      const found = await getRedemption(db, merchantId, redemptionId);
      if (!found) throw notFound("Redemption");
      requireLocation(principal, found.locationId);
      const [spent, expiry] = await Promise.all([
        redemptionEntry(db, found),
        creditExpiryPolicy(db, merchantId, found.locationId),
      ]);
      return { found, spent, expiry };
    },
    customerId: ({ found }) => found.customerId,
    expiry: ({ expiry }) => expiry,
    plan: async ({ customer, context: { spent }, now }) => {
      const redemption = await getRedemption(db, merchantId, redemptionId);
      if (!redemption) throw notFound("Redemption");
      const decision = await decide(deps, redemption, force);
      const at = now.toISOString();
      const refund = {
        at,
        outcome: decision.outcome,
        staffId: principal.staffId,
        entrySeq: customer.seq + 1,
        ...(input.note === undefined ? {} : { note: input.note }),
      };
      const revokedNow = decision.status === "revoked" && redemption.status !== "revoked";
      const refunded: Redemption = {
        ...redemption,
        status: decision.status,
        refund,
        ...(revokedNow ? { revokedAt: at } : {}),
      };
      return {
        entry: {
          type: "refund",
          points: redemption.points,
          locationId: redemption.locationId,
          staffId: principal.staffId,
          programId: redemption.programId,
          inputs: refundInputs({
            redemptionId,
            outcome: decision.outcome,
            force,
            rewardName: redemption.reward.name,
          }),
          // Staff's note is free text: outside the entry hash, behind its digest, so erasure can remove it.
          ...noteAttributes(
            input.note ? `Points redemption cancelled. ${input.note}` : "Points redemption cancelled.",
          ),
          refs: { redemptionId, entryId: spent.id },
        },
        items: [
          refundItem(db, redemption, {
            status: decision.status,
            refund,
            ...(revokedNow ? { revokedAt: at } : {}),
          }),
        ],
        result: (entry) => ({
          outcome: decision.outcome,
          message: MESSAGES[decision.outcome],
          redemption: redemptionView(refunded),
          entry: entryView(entry),
        }),
      };
    },
  });
}

/** The seed article's cases, in its order of precedence; the issuer is asked, never assumed. */
async function decide(deps: RedemptionDeps, redemption: Redemption, force: boolean): Promise<Decision> {
  if (redemption.refund) throw alreadyRefunded(redemption);
  if (redemption.tracking === "untracked") {
    // Told of a use by our own scanner, we know; otherwise nobody can.
    if (redemption.status === "used") return afterUse(redemption, force);
    return { outcome: "refunded_usage_unknown", status: redemption.status };
  }
  const issuer = (deps.issuerFor ?? issuersFromEnv(deps))(redemption.issuer);
  const coupon: CouponRef = {
    merchantId: redemption.merchantId,
    redemptionId: redemption.id,
    code: redemption.code,
  };
  let state = await issuer.status(coupon);
  if (state === "active") {
    const reward = await getReward(deps.db, redemption.merchantId, redemption.rewardId, true);
    // The reward carries the coupon's issuer settings; once it is deleted, its coupons are out of reach.
    if (!reward || reward.status === "archived") {
      if (!force) {
        throw conflict(
          "The reward of this redemption was deleted, so its coupon cannot be revoked. Send force: true to return the points anyway; the coupon stays as it is.",
          { rewardId: redemption.rewardId, rewardArchivedAt: reward?.archivedAt ?? null },
        );
      }
      return { outcome: "refunded_not_revoked", status: redemption.status };
    }
    state = await issuer.revoke(coupon);
  }
  if (state === "used") return afterUse(redemption, force);
  return { outcome: "revoked_and_refunded", status: "revoked" };
}

function afterUse(redemption: Redemption, force: boolean): Decision {
  if (!force) {
    throw conflict(
      "This coupon was already used: the customer has had the discount. Send force: true to return the points anyway; that does not undo the discount.",
      { usedAt: redemption.usedAt ?? null },
    );
  }
  return { outcome: "refunded_after_use", status: "used" };
}
