import { entryMoment, isCredit } from "../ledger/entry-types.ts";
import type { LedgerEntry, Reward } from "../model.ts";
import { MOMENTS, type Moment } from "./outbox.ts";

/** What a notification says, per Moment: the numbers the templates show. */
export type MomentFacts =
  | { moment: "points_earned"; entry: LedgerEntry }
  | { moment: "points_added"; entry: LedgerEntry }
  | { moment: "points_expired"; entry: LedgerEntry }
  | { moment: "redemption_refunded"; entry: LedgerEntry; rewardName?: string }
  | { moment: "reward_unlocked"; entry: LedgerEntry; rewards: { name: string; points: number }[] }
  /** `points` absent: the whole balance (an inactivity deadline). */
  | { moment: "points_expiring"; points?: number; expiresAt: string }
  | { moment: "claim_decided"; approved: true; entry: LedgerEntry }
  | { moment: "claim_decided"; approved: false; reason: string }
  /** A promotion (a tier_change entry): its `inputs.to` is the level reached. */
  | { moment: "tier_reached"; entry: LedgerEntry }
  /** The card's links are made when it is sent (./welcome.ts): a signed Apple link lasts days, not forever. */
  | { moment: "welcome" };

export interface Notification {
  merchantId: string;
  customerId: string;
  /**
   * Unique per notification. For a Moment caused by an entry, `<moment>:<entryId>`, and its status lives in
   * a delivery record of its own; for an outbox item, the item's dedupe key, and the item holds its status.
   */
  dedupeKey: string;
  source: { kind: "entry"; entryId: string } | { kind: "outbox" };
  createdAt: string;
  facts: MomentFacts;
}

/** The active rewards a credit reached: their cost lies above the balance before it, within the balance after. */
export function rewardsReached(
  rewards: readonly Reward[],
  entry: LedgerEntry,
): { name: string; points: number }[] {
  if (!isCredit(entry)) return [];
  const before = entry.balanceAfter - entry.points;
  return rewards
    .filter(
      (reward) => reward.status === "active" && reward.points > before && reward.points <= entry.balanceAfter,
    )
    .sort((a, b) => a.points - b.points)
    .map((reward) => ({ name: reward.name, points: reward.points }));
}

/** The Moment an entry is, if any (the entry-type registry says which); with the facts its message shows. */
function entryFacts(entry: LedgerEntry, refundedReward: string | undefined): MomentFacts | undefined {
  const moment = entryMoment(entry);
  switch (moment) {
    case undefined:
      return undefined;
    case "claim_decided":
      return { moment, approved: true, entry };
    case "redemption_refunded": {
      // Refunds record the reward's name since the registry; older ones have it looked up by the caller.
      const rewardName = entry.inputs.rewardName ?? refundedReward;
      return { moment, entry, ...(rewardName ? { rewardName } : {}) };
    }
    default:
      return { moment, entry };
  }
}

/**
 * The notifications one ledger entry causes: its own Moment, and "reward unlocked" when the credit
 * carried the balance across a reward's cost. `rewards` is the merchant's catalogue.
 */
export function entryNotifications(
  entry: LedgerEntry,
  context: { rewards: readonly Reward[]; refundedReward?: string },
): Notification[] {
  const reached = rewardsReached(context.rewards, entry);
  const facts: MomentFacts[] = [
    ...[entryFacts(entry, context.refundedReward)].filter((f): f is MomentFacts => f !== undefined),
    ...(reached.length > 0 ? [{ moment: "reward_unlocked" as const, entry, rewards: reached }] : []),
  ];
  return facts.map((f) => ({
    merchantId: entry.merchantId,
    customerId: entry.customerId,
    dedupeKey: `${f.moment}:${entry.id}`,
    source: { kind: "entry", entryId: entry.id },
    createdAt: entry.createdAt,
    facts: f,
  }));
}

/** An outbox item as written by outboxItem() (shared/store/notifications/outbox.ts). */
export interface OutboxRecord {
  merchantId: string;
  customerId: string;
  moment: string;
  dedupeKey: string;
  data: Record<string, unknown>;
  createdAt: string;
}

/** The notification an outbox item asks for; undefined for a Moment or data this code does not know. */
export function outboxNotification(item: OutboxRecord): Notification | undefined {
  if (!(MOMENTS as readonly string[]).includes(item.moment)) return undefined;
  const moment = item.moment as Moment;
  const { data } = item;
  let facts: MomentFacts | undefined;
  if (moment === "points_expiring" && typeof data.expiresAt === "string") {
    facts = {
      moment,
      expiresAt: data.expiresAt,
      ...(typeof data.points === "number" && !data.wholeBalance ? { points: data.points } : {}),
    };
  } else if (moment === "claim_decided" && data.status === "rejected") {
    facts = { moment, approved: false, reason: typeof data.reason === "string" ? data.reason : "" };
  } else if (moment === "welcome") {
    facts = { moment };
  }
  if (!facts) return undefined;
  return {
    merchantId: item.merchantId,
    customerId: item.customerId,
    dedupeKey: item.dedupeKey,
    source: { kind: "outbox" },
    createdAt: item.createdAt,
    facts,
  };
}

/**
 * Moments that leave the balance as it is: the pass update that follows a balance change says nothing
 * about them, so the wallet gets a message of its own (Google). The others reach the wallet through
 * that update (Apple's changeMessage on the balance, Google's notifying patch).
 */
export const needsWalletMessage = (facts: MomentFacts) =>
  facts.moment === "points_expiring" || (facts.moment === "claim_decided" && !facts.approved);
