import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Principal, requirePermission } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import { externalIssuerUrl } from "../coupons/issuers.ts";
import type { Db } from "../db/client.ts";
import { merchantPk, rewardSk } from "../db/keys.ts";
import { setExpression } from "../db/set-expression.ts";
import { conflict, notFound, ValidationError } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { type IdempotentResult, idempotentWrite } from "../idempotent-write.ts";
import { newId } from "../ids.ts";
import { getProgram, getReward, listRewards } from "../merchants/directory.ts";
import type { CouponIssuerKind, Reward, RewardDiscount } from "../model.ts";
import { checkDiscount, describeDiscount } from "./discount.ts";

export function rewardView(reward: Reward) {
  return {
    id: reward.id,
    programId: reward.programId,
    name: reward.name,
    points: reward.points,
    discount: reward.discount,
    description: describeDiscount(reward.discount),
    issuer: reward.issuer,
    status: reward.status,
    createdAt: reward.createdAt,
    updatedAt: reward.updatedAt,
    archivedAt: reward.archivedAt ?? null,
  };
}

export type RewardView = ReturnType<typeof rewardView>;

export interface NewReward {
  programId: string;
  name: string;
  points: number;
  discount: RewardDiscount;
  issuer: CouponIssuerKind;
}

export interface RewardChanges {
  name?: string;
  points?: number;
  discount?: RewardDiscount;
}

type Deps = { db: Db; clock: Clock };

function withoutKeys(item: Record<string, unknown> | undefined): Reward {
  const { pk: _pk, sk: _sk, ...reward } = item ?? {};
  return reward as unknown as Reward;
}

/** The catalogue, oldest first; a merchant has tens of rewards, so it comes whole. */
export async function listCatalogue(
  db: Db,
  principal: Principal,
  filter: { programId?: string; status: "active" | "archived" | "all" },
): Promise<Reward[]> {
  requirePermission(principal, "customers:read");
  return (await listRewards(db, principal.merchantId))
    .filter((r) => filter.status === "all" || r.status === filter.status)
    .filter((r) => filter.programId === undefined || r.programId === filter.programId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export async function createReward(
  deps: Deps,
  principal: Principal,
  input: NewReward,
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<{ reward: RewardView }>> {
  requirePermission(principal, "programs:manage");
  const idempotency = idempotencyFrom(idempotencyKey, "rewards.create", input);
  const { db } = deps;
  const { merchantId } = principal;
  const discount = checkDiscount(input.discount);
  // Consistent: a program created a moment ago must be usable at once.
  if (!(await getProgram(db, merchantId, input.programId, true))) {
    throw ValidationError.field("programId", "no such program");
  }
  if (input.issuer === "external" && !externalIssuerUrl()) {
    throw ValidationError.field("issuer", "this deployment has no external coupon issuer");
  }
  return idempotentWrite(deps, {
    merchantId,
    idempotency,
    plan: (at) => {
      const now = at.toISOString();
      const reward: Reward = {
        merchantId,
        id: newId("rwd", at),
        programId: input.programId,
        name: input.name,
        points: input.points,
        discount,
        issuer: input.issuer,
        status: "active",
        createdAt: now,
        updatedAt: now,
      };
      return {
        items: [
          {
            Put: {
              TableName: db.table,
              Item: { pk: merchantPk(merchantId), sk: rewardSk(reward.id), ...reward },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        ],
        response: { status: 201, body: { reward: rewardView(reward) } },
      };
    },
  });
}

/** Name, cost or discount; redemptions already made keep the reward as it was when they were made. */
export async function updateReward(
  deps: Deps,
  principal: Principal,
  rewardId: string,
  changes: RewardChanges,
): Promise<Reward> {
  requirePermission(principal, "programs:manage");
  const { db } = deps;
  const set = setExpression({
    ...changes,
    ...(changes.discount ? { discount: checkDiscount(changes.discount) } : {}),
    updatedAt: deps.clock().toISOString(),
  });
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: { pk: merchantPk(principal.merchantId), sk: rewardSk(rewardId) },
        UpdateExpression: set.UpdateExpression,
        ConditionExpression: "attribute_exists(pk) AND #status = :active",
        ExpressionAttributeNames: { ...set.ExpressionAttributeNames, "#status": "status" },
        ExpressionAttributeValues: { ...set.ExpressionAttributeValues, ":active": "active" },
        ReturnValues: "ALL_NEW",
      }),
    );
    return withoutKeys(Attributes);
  } catch (error) {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
    const current = await getReward(db, principal.merchantId, rewardId);
    if (!current) throw notFound("Reward");
    throw conflict("This reward was deleted; it can no longer be changed.", {
      archivedAt: current.archivedAt,
    });
  }
}

/**
 * Deleting a reward archives it: no new redemptions, while the redemptions already made (and their
 * refunds) still find it. Deleting it again changes nothing.
 */
export async function archiveReward(deps: Deps, principal: Principal, rewardId: string): Promise<Reward> {
  requirePermission(principal, "programs:manage");
  const { db } = deps;
  const now = deps.clock().toISOString();
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: { pk: merchantPk(principal.merchantId), sk: rewardSk(rewardId) },
        // Both times stay those of the first deletion.
        UpdateExpression:
          "SET #status = :archived, archivedAt = if_not_exists(archivedAt, :now), updatedAt = if_not_exists(archivedAt, :now)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":archived": "archived", ":now": now },
        ReturnValues: "ALL_NEW",
      }),
    );
    return withoutKeys(Attributes);
  } catch (error) {
    if ((error as { name?: string }).name === "ConditionalCheckFailedException") throw notFound("Reward");
    throw error;
  }
}
