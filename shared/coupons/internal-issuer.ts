import type { Clock } from "../clock.ts";
import type { RedemptionStatus } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { getRedemption, revokeIssued } from "../store/redemptions.ts";
import type { CouponIssuer, CouponRef, CouponState } from "./issuer.ts";

const STATE: Record<RedemptionStatus, CouponState> = { issued: "active", used: "used", revoked: "revoked" };

/**
 * Coupons kept in our own table: the redemption record is the coupon, so it is created by the same
 * transaction that takes the points, and its status is the coupon's state.
 */
export function internalIssuer(deps: { db: Db; clock: Clock }): CouponIssuer {
  const { db } = deps;

  async function status(coupon: CouponRef): Promise<CouponState> {
    const redemption = await getRedemption(db, coupon.merchantId, coupon.redemptionId);
    return redemption ? STATE[redemption.status] : "revoked";
  }

  return {
    create: async () => ({ tracked: true }),
    status,
    async revoke(coupon) {
      if (await revokeIssued(db, coupon.merchantId, coupon.redemptionId, deps.clock().toISOString())) {
        return "revoked";
      }
      // Not issued any more: revoked by an earlier attempt (or never written), or used meanwhile.
      return (await status(coupon)) === "used" ? "used" : "revoked";
    },
  };
}
