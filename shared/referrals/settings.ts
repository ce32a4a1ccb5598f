import * as z from "zod";

/**
 * A program's referral offer: what the member who shared their code (referrer) and the friend who joined
 * with it (referee) each earn once the friend's first qualifying purchase or visit at a till happens within
 * `qualifyWithinDays` of joining; a referrer's referrals past `maxPerReferrerPerMonth` in a UTC month are
 * refused. Like tiers, the settings are part of the program version: a referral keeps the points and
 * deadline of the version in force when the friend joined.
 */
export interface ReferralSettings {
  referrerPoints: number;
  refereePoints: number;
  qualifyWithinDays: number;
  maxPerReferrerPerMonth: number;
}

export const MAX_REFERRAL_POINTS = 100_000;
export const MAX_QUALIFY_WITHIN_DAYS = 365;
export const MAX_REFERRALS_PER_MONTH = 1_000;

export const ReferralSettingsSchema: z.ZodType<ReferralSettings> = z
  .strictObject({
    referrerPoints: z.number().int().min(0).max(MAX_REFERRAL_POINTS),
    refereePoints: z.number().int().min(0).max(MAX_REFERRAL_POINTS),
    qualifyWithinDays: z.number().int().min(1).max(MAX_QUALIFY_WITHIN_DAYS),
    maxPerReferrerPerMonth: z.number().int().min(1).max(MAX_REFERRALS_PER_MONTH),
  })
  .refine((settings) => settings.referrerPoints + settings.refereePoints > 0, {
    message: "at least one of referrerPoints and refereePoints must be above 0",
    path: ["referrerPoints"],
  });
