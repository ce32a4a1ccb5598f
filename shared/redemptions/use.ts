import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Principal, requireLocation, requirePermission } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { conflict, notFound, ValidationError } from "../errors.ts";
import { getLocation } from "../merchants/directory.ts";
import type { Redemption } from "../model.ts";
import { asRedemption, getRedemption, redemptionKey } from "./store.ts";

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
  requirePermission(principal, "redemptions:create");
  const { db } = deps;
  const { merchantId } = principal;
  // Looked up first, so another merchant's redemption is a 404 whatever else the request says.
  if (!(await getRedemption(db, merchantId, redemptionId))) throw notFound("Redemption");
  const location = await getLocation(db, merchantId, input.locationId);
  if (!location) throw ValidationError.field("locationId", "no such location");
  requireLocation(principal, location.id);
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: redemptionKey(merchantId, redemptionId),
        UpdateExpression: "SET #status = :used, usedAt = :now, usedLocationId = :location, usedBy = :staff",
        ConditionExpression: "#status = :issued AND attribute_not_exists(#refund)",
        ExpressionAttributeNames: { "#status": "status", "#refund": "refund" },
        ExpressionAttributeValues: {
          ":used": "used",
          ":issued": "issued",
          ":now": deps.clock().toISOString(),
          ":location": location.id,
          ":staff": principal.staffId,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return asRedemption(Attributes ?? {});
  } catch (error) {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
    const current = await getRedemption(db, merchantId, redemptionId);
    if (!current) throw notFound("Redemption");
    if (current.refund) {
      throw conflict("This redemption was cancelled and its points refunded.", {
        refundedAt: current.refund.at,
      });
    }
    if (current.status === "used")
      throw conflict("This coupon was already used.", { usedAt: current.usedAt });
    throw conflict("This coupon was revoked.", { revokedAt: current.revokedAt });
  }
}
