import { type Principal, requireLocation } from "../auth/principal.ts";
import type { CouponIssuer, CouponRef } from "../coupons/issuer.ts";
import { type IssuerFor, issuersFromEnv } from "../coupons/issuers.ts";
import { refuseErased } from "../customers/erased.ts";
import { conflict, DomainError, notFound, ValidationError } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { newId, randomCode } from "../ids.ts";
import { redemptionInputs } from "../ledger/explain/parts.ts";
import { logger } from "../logger.ts";
import { getLocation, getReward } from "../merchants/directory.ts";
import type { Redemption } from "../model.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import type { WriteResult } from "../pipeline/write.ts";
import { readCustomer } from "../store/customers/profile.ts";
import { couponCodeItem, newRedemptionItem } from "../store/redemptions.ts";
import { type EntryView, entryView } from "../views.ts";
import { type RedemptionView, redemptionView } from "./view.ts";

/** 16 characters of a 30-letter alphabet: about 78 bits, far beyond guessing at a till or online. */
const CODE_LENGTH = 16;

export interface RedemptionDeps extends LedgerDeps {
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
): Promise<WriteResult<RedeemBody>> {
  const { db } = deps;
  const { merchantId } = principal;
  let created: { issuer: CouponIssuer; coupon: CouponRef } | undefined;
  try {
    const written = await ledgerWrite(deps, {
      name: "redemptions.create",
      merchantId,
      idempotency: idempotencyFrom(idempotencyKey, "redemptions.create", input),
      // Not alongside the replay check: loading creates the coupon, which a replay must never do.
      load: async () => {
        const [location, reward] = await Promise.all([
          getLocation(db, merchantId, input.locationId),
          getReward(db, merchantId, input.rewardId, true),
        ]);
        if (!location) throw ValidationError.field("locationId", "no such location");
        // Where staff may act comes before what the reward is: a location they may not use reveals nothing.
        requireLocation(principal, location.id);
        if (!reward) throw ValidationError.field("rewardId", "no such reward");
        if (reward.status !== "active") {
          throw ValidationError.field("rewardId", "this reward was deleted; it can no longer be redeemed");
        }
        if (reward.programId !== location.programId) {
          throw ValidationError.field("rewardId", "this reward is not offered at this location");
        }
        // Checked before the coupon is created, so a short balance never reaches the issuer.
        const customer = await readCustomer(db, merchantId, input.customerId);
        if (!customer) throw notFound("Customer");
        refuseErased(customer);
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
          ({ tracked } = await issuer.create({
            ...coupon,
            rewardName: reward.name,
            discount: reward.discount,
          }));
        } catch (error) {
          // A create that timed out may still have happened at the issuer.
          await withdraw(issuer, coupon);
          throw error;
        }
        created = { issuer, coupon };
        return { location, reward, coupon, tracked };
      },
      customerId: () => input.customerId,
      plan: ({ customer, context: { location, reward, coupon, tracked }, now }) => {
        const redemption: Redemption = {
          merchantId,
          id: coupon.redemptionId,
          customerId: customer.id,
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
          entrySeq: customer.seq + 1,
          createdAt: now.toISOString(),
        };
        return {
          entry: {
            type: "redemption",
            points: -reward.points,
            locationId: location.id,
            staffId: principal.staffId,
            programId: reward.programId,
            inputs: redemptionInputs({
              rewardId: reward.id,
              redemptionId: redemption.id,
              rewardName: reward.name,
              discount: reward.discount,
            }),
            refs: { redemptionId: redemption.id },
          },
          items: [newRedemptionItem(db, redemption), couponCodeItem(db, redemption)],
          result: (entry) => ({ redemption: redemptionView(redemption), entry: entryView(entry) }),
        };
      },
    });
    // A concurrent twin of this request recorded its own coupon; this one is surplus.
    if (written.replayed && created) await withdraw(created.issuer, created.coupon);
    return written;
  } catch (error) {
    // Only a refusal proves nothing was written; after a lost answer the write may have happened.
    if (error instanceof DomainError && created) await withdraw(created.issuer, created.coupon);
    throw error;
  }
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
