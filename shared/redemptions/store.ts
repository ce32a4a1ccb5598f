import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { customerPk, entrySk, redemptionPk, redemptionSk } from "../db/keys.ts";
import { conflict } from "../errors.ts";
import type { LedgerEntry, Redemption } from "../model.ts";
import { describeDiscount } from "../rewards/discount.ts";

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

export const redemptionKey = (merchantId: string, redemptionId: string) => ({
  pk: redemptionPk(merchantId, redemptionId),
  sk: redemptionSk(),
});

/** Read consistently: refunds and uses decide from it. */
export async function getRedemption(
  db: Db,
  merchantId: string,
  redemptionId: string,
): Promise<Redemption | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: redemptionKey(merchantId, redemptionId),
      ConsistentRead: true,
    }),
  );
  return Item ? asRedemption(Item) : undefined;
}

export function asRedemption(item: Record<string, unknown>): Redemption {
  const { pk: _pk, sk: _sk, ...redemption } = item;
  return redemption as unknown as Redemption;
}

/** The ledger entry that took a redemption's points; entries never change, so any read will do. */
export async function redemptionEntry(db: Db, redemption: Redemption): Promise<LedgerEntry> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: customerPk(redemption.merchantId, redemption.customerId), sk: entrySk(redemption.entrySeq) },
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error(`redemption ${redemption.id} points at a missing ledger entry`);
  return Item as LedgerEntry;
}

export const alreadyRefunded = (redemption: Redemption) =>
  conflict("This redemption was already refunded.", {
    refundedAt: redemption.refund?.at,
    outcome: redemption.refund?.outcome,
  });
