import { tierChangeInputs, tierRewardInputs } from "../ledger/explain/parts.ts";
import type { Customer, LedgerEntry, Program } from "../model.ts";
import type { EntryDraft } from "../pipeline/ledger-write.ts";
import type { TierBonus } from "../programs/rules.ts";
import type { Db } from "../store/db/client.ts";
import type { NamedItem } from "../store/db/transact.ts";
import { tierReviewPut } from "../store/ledger/tier-review.ts";
import { earliestReview, heldLevel, type TierOutcome, windowMonths } from "./qualify.ts";

/** The multiplier of the level the customer holds before this earn (the promoting earn is not boosted). */
export function tierBonus(program: Program, customer: Customer, at: Date): TierBonus | undefined {
  const settings = program.tiers;
  if (!settings) return undefined;
  const level = settings.levels[heldLevel(settings, customer.tiers?.[program.id], at)];
  return level ? { name: level.name, multiplier: level.multiplier } : undefined;
}

export interface TierWrites {
  profileUpdates: Record<string, unknown>;
  items: NamedItem[];
  /**
   * The `tier_change` entry when the level changed, referencing the entry that caused it, if any; after a
   * promotion by an earn, then the `tier_reward` of each level reached for the first time that has one.
   */
  change?: (causedBy?: LedgerEntry) => EntryDraft[];
}

/**
 * What a tier outcome adds to the ledger write that caused it: the profile's standing (the whole `tiers`
 * map: the write is conditional on the profile as read, so nothing concurrent is lost), the review item
 * when the earliest review time moved, and a `tier_change` entry chained after the cause when the level
 * changed, referencing it.
 */
export function tierWrites(
  db: Db,
  program: Program,
  customer: Customer,
  outcome: TierOutcome,
  at: Date,
  cause: "earn" | "review",
): TierWrites {
  const settings = program.tiers;
  if (!settings) return { profileUpdates: {}, items: [] };
  const { move } = outcome;
  const promotion = move !== undefined && move.to > move.from;
  const rewarded = new Set(outcome.state.rewarded ?? []);
  // Levels passed on the way count too (a jump from Bronze to Gold reaches Silver): each pays once, ever.
  const rewards =
    promotion && cause === "earn"
      ? settings.levels
          .slice(move.from + 1, move.to + 1)
          .filter((l) => l.entryReward && !rewarded.has(l.name))
      : [];
  const state = rewards.length
    ? { ...outcome.state, rewarded: [...rewarded, ...rewards.map((l) => l.name)] }
    : outcome.state;
  const tiers = { ...customer.tiers, [program.id]: state };
  const reviewAt = earliestReview(tiers);
  const items =
    reviewAt && reviewAt !== customer.tierReviewAt
      ? [tierReviewPut(db, customer.merchantId, customer.id, reviewAt)]
      : [];
  const profileUpdates = { tiers, ...(reviewAt ? { tierReviewAt: reviewAt } : {}) };
  if (!move) return { profileUpdates, items };
  const months = windowMonths(settings.window, at);
  const from = settings.levels[move.from]?.name ?? "";
  const to = settings.levels[move.to]?.name ?? "";
  const draft = (causedBy?: LedgerEntry): EntryDraft => ({
    type: "tier_change",
    points: 0,
    programId: program.id,
    programVersion: program.version,
    inputs: tierChangeInputs({
      direction: promotion ? "promotion" : "demotion",
      from,
      to,
      qualifying: move.points,
      threshold: settings.levels[promotion ? move.to : move.from]?.threshold ?? 0,
      firstMonth: months[0] ?? "",
      lastMonth: months[months.length - 1] ?? "",
      cause: promotion && cause === "earn" ? "earn" : "review",
    }),
    ...(causedBy ? { refs: { entryId: causedBy.id } } : {}),
  });
  const reward = (level: (typeof rewards)[number], causedBy?: LedgerEntry): EntryDraft => ({
    type: "tier_reward",
    points: level.entryReward ?? 0,
    programId: program.id,
    programVersion: program.version,
    inputs: tierRewardInputs({ level: level.name }),
    ...(causedBy ? { refs: { entryId: causedBy.id } } : {}),
  });
  return {
    profileUpdates,
    items,
    change: (causedBy) => [draft(causedBy), ...rewards.map((level) => reward(level, causedBy))],
  };
}
