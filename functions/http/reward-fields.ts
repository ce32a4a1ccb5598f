import * as z from "zod";
import { MAX_REWARD_POINTS } from "../../shared/bounds.ts";
import { CurrencyCode, DecimalAmount, points, text } from "./fields.ts";

/**
 * What a reward gives, shared by the create and update routes; the domain checks that a fixed amount is in
 * the program's currency and at most the merchant's maximum purchase.
 */
export const RewardDiscount = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("fixed_amount"),
    amount: DecimalAmount,
    currency: CurrencyCode,
  }),
  z.strictObject({ kind: z.literal("percentage"), percent: z.number().int().min(1).max(100) }),
  z.strictObject({ kind: z.literal("free_product"), product: text(100) }),
]);

export const RewardPoints = points(1, MAX_REWARD_POINTS);
