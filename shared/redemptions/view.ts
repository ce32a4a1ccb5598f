import { conflict } from "../errors.ts";
import type { Redemption } from "../model.ts";
import { describeDiscount } from "../rewards/discount.ts";

/** What clients see of a redemption (stored by shared/store/redemptions.ts). */
export function redemptionView(redemption: Redemption) {
  return {
    id: redemption.id,
    customerId: redemption.customerId,
    rewardId: redemption.rewardId,
    reward: {
      name: redemption.reward.name,
      discount: redemption.reward.discount,
      description: describeDiscount(redemption.reward.discount),
    },
    points: redemption.points,
    code: redemption.code,
    status: redemption.status,
    issuer: redemption.issuer,
    tracking: redemption.tracking,
    locationId: redemption.locationId,
    staffId: redemption.staffId,
    createdAt: redemption.createdAt,
    usedAt: redemption.usedAt ?? null,
    usedLocationId: redemption.usedLocationId ?? null,
    revokedAt: redemption.revokedAt ?? null,
    refundedAt: redemption.refund?.at ?? null,
    refund: redemption.refund
      ? {
          at: redemption.refund.at,
          outcome: redemption.refund.outcome,
          staffId: redemption.refund.staffId,
          note: redemption.refund.note ?? null,
        }
      : null,
  };
}

export type RedemptionView = ReturnType<typeof redemptionView>;

export const alreadyRefunded = (redemption: Redemption) =>
  conflict("This redemption was already refunded.", {
    refundedAt: redemption.refund?.at,
    outcome: redemption.refund?.outcome,
  });
