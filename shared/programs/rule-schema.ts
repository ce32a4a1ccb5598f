import * as z from "zod";
import type { ExpiryPolicy } from "../expiry/policy.ts";
import { currencyMinorUnits, parseDecimal } from "../money.ts";
import { ReferralSettingsSchema } from "../referrals/settings.ts";
import { text } from "../text.ts";
import { TierSettingsSchema } from "../tiers/settings.ts";
import type { EarnRule } from "./rules.ts";

/**
 * What a merchant may save as an earning rule. Checked strictly before anything is stored: a rule that
 * cannot compute (an unknown currency, a zero `per`) would otherwise only fail at the till.
 */

export const MAX_RULE_POINTS = 1_000_000;
/** A year: longer than any sensible "one visit per …" interval. */
export const MAX_MINUTES_BETWEEN_VISITS = 525_600;

const points = z.number().int().positive().max(MAX_RULE_POINTS);

const PurchaseRuleSchema = z
  .strictObject({
    kind: z.literal("purchase"),
    currency: z
      .string()
      .refine((code) => currencyMinorUnits(code) !== undefined, "must be a known ISO 4217 code such as EUR"),
    points,
    per: z
      .string()
      .max(32)
      .refine((text) => {
        const per = parseDecimal(text);
        return per !== undefined && per.units > 0n;
      }, "must be a positive decimal number such as 1.00"),
    rounding: z.enum(["down", "nearest", "up"]).default("down"),
  })
  .superRefine((rule, ctx) => {
    const minor = currencyMinorUnits(rule.currency) ?? 0;
    const scale = parseDecimal(rule.per)?.scale ?? 0;
    if (scale > minor) {
      ctx.addIssue({
        code: "custom",
        path: ["per"],
        message: `${rule.currency} has at most ${minor} decimals`,
      });
    }
  });

const VisitRuleSchema = z.strictObject({
  kind: z.literal("visit"),
  pointsPerVisit: points,
  minMinutesBetweenVisits: z.number().int().min(0).max(MAX_MINUTES_BETWEEN_VISITS),
});

export const EarnRuleSchema: z.ZodType<EarnRule> = z.discriminatedUnion("kind", [
  PurchaseRuleSchema,
  VisitRuleSchema,
]);

/** Up to ten years: a longer "expiry" is a promise nobody will be around to keep. */
const expiryDays = z.number().int().min(1).max(3_650);

export const ExpiryPolicySchema: z.ZodType<ExpiryPolicy> = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({ kind: z.literal("rolling"), days: expiryDays }),
  z.strictObject({ kind: z.literal("inactivity"), days: expiryDays }),
  z
    .strictObject({
      kind: z.literal("fixed"),
      month: z.number().int().min(1).max(12),
      day: z.number().int().min(1).max(31),
    })
    .refine((p) => p.day <= new Date(Date.UTC(2001, p.month, 0)).getUTCDate(), {
      message: "is not a day of that month (29 February is refused: it is not a yearly date)",
      path: ["day"],
    }),
]);

/**
 * The body of a program create or replace: its name, its whole rule, and how its points expire
 * (applies to points earned from this version on; absent means they do not expire).
 */
export const ProgramSettingsSchema = z.strictObject({
  name: text(100),
  rule: EarnRuleSchema,
  expiry: ExpiryPolicySchema.default({ kind: "none" }),
  /** VIP tiers (shared/tiers/): apply to earns from this version on; absent or null: none. */
  tiers: TierSettingsSchema.nullable().optional(),
  /** Referral rewards (shared/referrals/): apply to friends joining from this version on; absent or null: none. */
  referrals: ReferralSettingsSchema.nullable().optional(),
});

export type ProgramSettings = z.infer<typeof ProgramSettingsSchema>;
