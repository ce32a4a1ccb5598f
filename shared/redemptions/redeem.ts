import { type Principal, requireLocation, requirePermission } from "../auth/principal.ts";
import type { CouponIssuer, CouponRef } from "../coupons/issuer.ts";
import { type IssuerFor, issuersFromEnv } from "../coupons/issuers.ts";
import { couponPk, couponSk } from "../db/keys.ts";
import { conflict, DomainError, type FieldProblem, notFound, ValidationError } from "../errors.ts";
import { findStoredResponse, idempotencyFrom, type StoredResponse } from "../idempotency.ts";
import { newId, randomCode } from "../ids.ts";
import { type AppendDeps, type AppendResult, appendEntry, readCustomer } from "../ledger/append.ts";
import { logger } from "../logger.ts";
import { getLocation, getReward } from "../merchants/directory.ts";
import type { Redemption } from "../model.ts";
import { describeDiscount } from "../rewards/discount.ts";
import { type EntryView, entryView } from "../views.ts";
import { type RedemptionView, redemptionKey, redemptionView } from "./store.ts";

/** 16 characters of a 30-letter alphabet: about 78 bits, far beyond guessing at a till or online. */
const CODE_LENGTH = 16;

export interface RedemptionDeps extends AppendDeps {
  /** The coupon issuers; from the environment unless a test supplies its own. */
  issuerFor?: IssuerFor;
}

export interface RedeemInput {
  customerId: string;
  rewardId: string;
  locationId: string;
}

export type RedeemBody = { redemption: RedemptionView; entry: EntryView };

/**
 * Spends a customer's points on a reward: the coupon is created at its issuer first, then the points
 * are taken in the same transaction that records the redemption and claims its code. If that write
 * does not happen, the coupon is revoked again, so no coupon exists without its points.
 */
export async function redeemReward(
  deps: RedemptionDeps,
  principal: Principal,
  input: RedeemInput,
  idempotencyKey: string | undefined,
): Promise<AppendResult<RedeemBody>> {
  requirePermission(principal, "redemptions:create");
  const idempotency = idempotencyFrom(idempotencyKey, "redemptions.create", input);
  const { db } = deps;
  const { merchantId } = principal;

  const [location, reward] = await Promise.all([
    getLocation(db, merchantId, input.locationId),
    getReward(db, merchantId, input.rewardId, true),
  ]);
  const problems: FieldProblem[] = [];
  if (!location) problems.push({ field: "locationId", reason: "no such location" });
  if (!reward) problems.push({ field: "rewardId", reason: "no such reward" });
  else if (reward.status !== "active") {
    problems.push({ field: "rewardId", reason: "this reward was deleted; it can no longer be redeemed" });
  } else if (location && reward.programId !== location.programId) {
    problems.push({ field: "rewardId", reason: "this reward is not offered at this location" });
  }
  if (problems.length > 0 || !location || !reward) throw new ValidationError(problems);
  requireLocation(principal, location.id);

  // Checked before the coupon is created, so a replay or a short balance never reaches the issuer.
  const stored = await findStoredResponse(db, merchantId, idempotency);
  if (stored) return { ...(stored as StoredResponse & { body: RedeemBody }), replayed: true };
  const customer = await readCustomer(db, merchantId, input.customerId);
  if (!customer) throw notFound("Customer");
  if (customer.balance < reward.points) {
    throw conflict("The balance is too low for this reward.", {
      balance: customer.balance,
      points: reward.points,
    });
  }

  const issuer = (deps.issuerFor ?? issuersFromEnv(deps))(reward.issuer);
  const coupon: CouponRef = { merchantId, redemptionId: newId("rdm"), code: randomCode(CODE_LENGTH) };
  let tracked: boolean;
  try {
    ({ tracked } = await issuer.create({ ...coupon, rewardName: reward.name, discount: reward.discount }));
  } catch (error) {
    // A create that timed out may still have happened at the issuer.
    await withdraw(issuer, coupon);
    throw error;
  }

  let result: AppendResult<RedeemBody>;
  try {
    result = await appendEntry(deps, {
      merchantId,
      customerId: customer.id,
      idempotency,
      plan: (current, now) => {
        const redemption: Redemption = {
          merchantId,
          id: coupon.redemptionId,
          customerId: current.id,
          rewardId: reward.id,
          programId: reward.programId,
          reward: { name: reward.name, discount: reward.discount },
          points: reward.points,
          code: coupon.code,
          issuer: reward.issuer,
          tracking: tracked ? "tracked" : "untracked",
          status: "issued",
          locationId: location.id,
          staffId: principal.staffId,
          entrySeq: current.seq + 1,
          createdAt: now.toISOString(),
        };
        const putNew = (Item: Record<string, unknown>) => ({
          Put: { TableName: db.table, Item, ConditionExpression: "attribute_not_exists(pk)" },
        });
        return {
          entry: {
            type: "redemption",
            points: -reward.points,
            locationId: location.id,
            staffId: principal.staffId,
            programId: reward.programId,
            inputs: { rewardId: reward.id, redemptionId: redemption.id },
            explanation: `${reward.points} points spent on “${reward.name}” (${describeDiscount(reward.discount)})`,
            refs: { redemptionId: redemption.id },
          },
          extraItems: [
            putNew({ ...redemptionKey(merchantId, redemption.id), ...redemption }),
            putNew({
              pk: couponPk(merchantId, coupon.code),
              sk: couponSk(),
              redemptionId: redemption.id,
              customerId: current.id,
            }),
          ],
          respond: (entry) => ({
            status: 201,
            body: { redemption: redemptionView(redemption), entry: entryView(entry) },
          }),
        };
      },
    });
  } catch (error) {
    // Only a refusal proves nothing was written; after a lost answer the write may have happened.
    if (error instanceof DomainError) await withdraw(issuer, coupon);
    throw error;
  }
  // A concurrent twin of this request recorded its own coupon; this one is surplus.
  if (result.replayed) await withdraw(issuer, coupon);
  return result;
}

/** Best effort: the request fails for its own reason, and a coupon left behind is logged, not hidden. */
async function withdraw(issuer: CouponIssuer, coupon: CouponRef): Promise<void> {
  try {
    await issuer.revoke(coupon);
  } catch (error) {
    logger.warn("coupon not withdrawn after a failed redemption", {
      redemptionId: coupon.redemptionId,
      errorName: (error as Error).name,
    });
  }
}
