import { z } from "zod";

/** What a reward gives, shared by the create and update routes; amounts are checked by the domain. */
export const RewardDiscount = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("fixed_amount"),
    amount: z.string().max(32),
    currency: z.string().max(8),
  }),
  z.strictObject({ kind: z.literal("percentage"), percent: z.number().int().min(1).max(100) }),
  z.strictObject({ kind: z.literal("free_product"), product: z.string().trim().min(1).max(100) }),
]);

export const RewardPoints = z.number().int().min(1).max(10_000_000);
