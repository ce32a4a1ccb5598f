import { type Principal, requireLocation } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import { conflict, notFound, ValidationError } from "../errors.ts";
import { getLocation } from "../merchants/directory.ts";
import type { Redemption } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { getRedemption, markUsed } from "../store/redemptions.ts";

/**
 * The scanner or the point of sale takes the coupon: it can be used once, and not after it was revoked
 * or its redemption cancelled (even when a forced refund left the coupon itself as it was).
 */
export async function useCoupon(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  redemptionId: string,
  input: { locationId: string },
): Promise<Redemption> {
  const { db } = deps;
  const { merchantId } = principal;
  // Looked up first, so another merchant's redemption is a 404 whatever else the request says.
  if (!(await getRedemption(db, merchantId, redemptionId))) throw notFound("Redemption");
  const location = await getLocation(db, merchantId, input.locationId);
  if (!location) throw ValidationError.field("locationId", "no such location");
  requireLocation(principal, location.id);
  const used = await markUsed(db, merchantId, redemptionId, {
    at: deps.clock().toISOString(),
    locationId: location.id,
    staffId: principal.staffId,
  });
  if (used) return used;
  const current = await getRedemption(db, merchantId, redemptionId);
  if (!current) throw notFound("Redemption");
  if (current.refund) {
    throw conflict("This redemption was cancelled and its points refunded.", {
      refundedAt: current.refund.at,
    });
  }
  if (current.status === "used") throw conflict("This coupon was already used.", { usedAt: current.usedAt });
  throw conflict("This coupon was revoked.", { revokedAt: current.revokedAt });
}
