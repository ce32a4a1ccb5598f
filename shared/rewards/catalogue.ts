import type { Principal } from "../auth/principal.ts";
import { checkAmountAtMost, maxPurchaseOf, programCurrency } from "../bounds.ts";
import type { Clock } from "../clock.ts";
import { externalIssuerUrl } from "../coupons/issuers.ts";
import { conflict, notFound, ValidationError } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { newId } from "../ids.ts";
import { getMerchant, getProgram, getReward } from "../merchants/directory.ts";
import type { CouponIssuerKind, Merchant, Program, Reward, RewardDiscount } from "../model.ts";
import { runWrite, type WriteResult } from "../pipeline/write.ts";
import type { Db } from "../store/db/client.ts";
import { listRewards, newRewardItem, setArchived, updateActiveReward } from "../store/rewards.ts";
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

/**
 * A fixed amount off is in the program's currency (a till cannot take 5 USD off a purchase in EUR) and at
 * most the merchant's maximum purchase: a coupon worth more than any purchase is a typo.
 */
function fitDiscount(
  discount: RewardDiscount,
  program: Program,
  merchant: Merchant | undefined,
): RewardDiscount {
  if (discount.kind !== "fixed_amount" || !merchant) return discount;
  const currency = programCurrency(program, merchant);
  if (discount.currency !== currency) {
    throw ValidationError.field(
      "discount.currency",
      `must be ${currency}, the currency of the reward's program`,
    );
  }
  checkAmountAtMost(
    discount.amount,
    currency,
    maxPurchaseOf(merchant),
    "discount.amount",
    "this merchant's maximum purchase (maxPurchaseAmount in the settings)",
  );
  return discount;
}

/** The catalogue, oldest first; a merchant has tens of rewards, so it comes whole. */
export async function listCatalogue(
  db: Db,
  principal: Principal,
  filter: { programId?: string; status: "active" | "archived" | "all" },
): Promise<Reward[]> {
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
): Promise<WriteResult<{ reward: RewardView }>> {
  const { db } = deps;
  const { merchantId } = principal;
  return runWrite(deps, {
    name: "rewards.create",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "rewards.create", input),
    loadReadsOnly: true,
    load: async () => {
      const checked = checkDiscount(input.discount);
      // Consistent: a program created a moment ago must be usable at once.
      const [program, merchant] = await Promise.all([
        getProgram(db, merchantId, input.programId, true),
        getMerchant(db, merchantId),
      ]);
      if (!program) throw ValidationError.field("programId", "no such program");
      const discount = fitDiscount(checked, program, merchant);
      if (input.issuer === "external" && !externalIssuerUrl()) {
        throw ValidationError.field("issuer", "this deployment has no external coupon issuer");
      }
      return discount;
    },
    // The reward's condition fails only if its id is taken: the next try makes another.
    attempt: async (discount, at) => {
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
      return { items: [newRewardItem(db, reward)], result: { reward: rewardView(reward) } };
    },
  });
}

/** A new discount of a reward, fitted to the reward's program; a missing reward is a 404. */
async function discountFor(db: Db, merchantId: string, rewardId: string, discount: RewardDiscount) {
  if (discount.kind !== "fixed_amount") return discount;
  const reward = await getReward(db, merchantId, rewardId, true);
  if (!reward) throw notFound("Reward");
  const [program, merchant] = await Promise.all([
    getProgram(db, merchantId, reward.programId, true),
    getMerchant(db, merchantId),
  ]);
  if (!program) throw new Error(`reward ${rewardId} points to a missing program`);
  return fitDiscount(discount, program, merchant);
}

/** Name, cost or discount; redemptions already made keep the reward as it was when they were made. */
export async function updateReward(
  deps: Deps,
  principal: Principal,
  rewardId: string,
  changes: RewardChanges,
): Promise<Reward> {
  const { db } = deps;
  const discount = changes.discount
    ? await discountFor(db, principal.merchantId, rewardId, checkDiscount(changes.discount))
    : undefined;
  const updated = await updateActiveReward(db, principal.merchantId, rewardId, {
    ...changes,
    ...(discount ? { discount } : {}),
    updatedAt: deps.clock().toISOString(),
  });
  if (updated) return updated;
  const current = await getReward(db, principal.merchantId, rewardId);
  if (!current) throw notFound("Reward");
  throw conflict("This reward was deleted; it can no longer be changed.", {
    archivedAt: current.archivedAt,
  });
}

/**
 * Deleting a reward archives it: no new redemptions, while the redemptions already made (and their
 * refunds) still find it. Deleting it again changes nothing.
 */
export async function archiveReward(deps: Deps, principal: Principal, rewardId: string): Promise<Reward> {
  const archived = await setArchived(deps.db, principal.merchantId, rewardId, deps.clock().toISOString());
  if (!archived) throw notFound("Reward");
  return archived;
}
