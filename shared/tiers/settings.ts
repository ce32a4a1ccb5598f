import * as z from "zod";
import { parseDecimal } from "../money.ts";
import { text } from "../text.ts";

/**
 * A program's VIP tiers: ordered levels, each from a threshold of qualifying points, with an earning
 * multiplier. Qualifying points are the points credited by purchases and visits at a till (multiplier
 * included), less what purchase returns take back of them (shortfalls included), counted per UTC month
 * over the window. Points spent, redemption refunds and points issued by hand never qualify.
 */
export interface TierLevel {
  name: string;
  /** Qualifying points from which the level holds; the first level's is 0. */
  threshold: number;
  /** Exact decimal, at most 2 decimals, between 1 and 10: "1", "1.5". */
  multiplier: string;
  /** Points credited the first time a member reaches the level in this program (never on the first level). */
  entryReward?: number;
}

export type TierWindow = { kind: "rolling"; months: number } | { kind: "calendar_year" };

export interface TierSettings {
  window: TierWindow;
  levels: TierLevel[];
}

export const MAX_TIER_LEVELS = 10;
export const MAX_TIER_THRESHOLD = 1_000_000_000;
export const MAX_WINDOW_MONTHS = 24;
export const MAX_MULTIPLIER_DECIMALS = 2;
export const MAX_ENTRY_REWARD = 100_000;

const multiplier = z
  .string()
  .max(8)
  .refine((value) => {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? parseDecimal(value) : undefined;
    if (!parsed || parsed.scale > MAX_MULTIPLIER_DECIMALS) return false;
    const hundredths = parsed.units * 10n ** BigInt(MAX_MULTIPLIER_DECIMALS - parsed.scale);
    return hundredths >= 100n && hundredths <= 1000n;
  }, `must be a decimal between 1 and 10 with at most ${MAX_MULTIPLIER_DECIMALS} decimals, such as 1.5`);

const LevelSchema = z.strictObject({
  name: text(40).refine((name) => name.trim().length > 0, "must not be blank"),
  threshold: z.number().int().min(0).max(MAX_TIER_THRESHOLD),
  multiplier,
  entryReward: z.number().int().min(0).max(MAX_ENTRY_REWARD).optional(),
});

export const TierSettingsSchema: z.ZodType<TierSettings> = z
  .strictObject({
    window: z.discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("rolling"), months: z.number().int().min(1).max(MAX_WINDOW_MONTHS) }),
      z.strictObject({ kind: z.literal("calendar_year") }),
    ]),
    levels: z.array(LevelSchema).min(1).max(MAX_TIER_LEVELS),
  })
  .superRefine((settings, ctx) => {
    const [first] = settings.levels;
    if (first?.entryReward) {
      ctx.addIssue({
        code: "custom",
        path: ["levels", 0, "entryReward"],
        message: "the first level is every member's from the start: it has no entry reward",
      });
    }
    if (first && first.threshold !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["levels", 0, "threshold"],
        message: "the first level starts at 0",
      });
    }
    const names = new Set<string>();
    settings.levels.forEach((level, i) => {
      const previous = settings.levels[i - 1];
      if (previous && level.threshold <= previous.threshold) {
        ctx.addIssue({
          code: "custom",
          path: ["levels", i, "threshold"],
          message: "thresholds must be strictly increasing",
        });
      }
      const folded = level.name.trim().toLowerCase();
      if (names.has(folded)) {
        ctx.addIssue({ code: "custom", path: ["levels", i, "name"], message: "names must be unique" });
      }
      names.add(folded);
    });
  });
