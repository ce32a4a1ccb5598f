import type { RewardDiscount } from "../model.ts";

/**
 * Where a coupon lives and who can say what became of it. A redemption names its issuer, and every
 * call is idempotent, so a refund that failed half-way can simply be sent again.
 */

/** "revoked" also covers a code the issuer no longer knows: either way nothing is left to use. */
export type CouponState = "active" | "used" | "revoked";

export interface CouponRef {
  merchantId: string;
  redemptionId: string;
  code: string;
}

export interface NewCoupon extends CouponRef {
  rewardName: string;
  discount: RewardDiscount;
}

export interface CouponIssuer {
  /** Makes the code usable. `tracked: false`: the issuer will neither report its use nor revoke it. */
  create(coupon: NewCoupon): Promise<{ tracked: boolean }>;
  /** Revoked, or "used" when it no longer can be; revoking a revoked or unknown code is not an error. */
  revoke(coupon: CouponRef): Promise<"revoked" | "used">;
  status(coupon: CouponRef): Promise<CouponState>;
}
