import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { redemptionPk, redemptionSk } from "../db/keys.ts";
import type { Redemption, RedemptionStatus } from "../model.ts";
import type { CouponIssuer, CouponRef, CouponState } from "./issuer.ts";

const STATE: Record<RedemptionStatus, CouponState> = { issued: "active", used: "used", revoked: "revoked" };

/**
 * Coupons kept in our own table: the redemption record is the coupon, so it is created by the same
 * transaction that takes the points, and its status is the coupon's state.
 */
export function internalIssuer(deps: { db: Db; clock: Clock }): CouponIssuer {
  const { db } = deps;
  const key = (coupon: CouponRef) => ({
    pk: redemptionPk(coupon.merchantId, coupon.redemptionId),
    sk: redemptionSk(),
  });

  async function status(coupon: CouponRef): Promise<CouponState> {
    const { Item } = await db.client.send(
      new GetCommand({ TableName: db.table, Key: key(coupon), ConsistentRead: true }),
    );
    const redemption = Item as Redemption | undefined;
    return redemption ? STATE[redemption.status] : "revoked";
  }

  return {
    create: async () => ({ tracked: true }),
    status,
    async revoke(coupon) {
      try {
        await db.client.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(coupon),
            UpdateExpression: "SET #status = :revoked, revokedAt = :now",
            ConditionExpression: "#status = :issued",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":revoked": "revoked",
              ":issued": "issued",
              ":now": deps.clock().toISOString(),
            },
          }),
        );
        return "revoked";
      } catch (error) {
        if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
        // Not issued any more: revoked by an earlier attempt (or never written), or used meanwhile.
        return (await status(coupon)) === "used" ? "used" : "revoked";
      }
    },
  };
}
