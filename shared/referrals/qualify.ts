import { referralRewardInputs } from "../ledger/explain/parts.ts";
import type { Customer, LedgerEntry } from "../model.ts";
import type { EntryDraft } from "../pipeline/ledger-write.ts";
import type { Db } from "../store/db/client.ts";
import type { NamedItem } from "../store/db/transact.ts";
import { listPassDevices } from "../store/pass-devices.ts";
import { referralTransition } from "../store/referrals.ts";
import type { ReferralReason } from "./model.ts";

/** What a qualifying earn adds to its ledger write (shared/transactions/earn.ts). */
export interface ReferralEarnWrites {
  profileUpdates: Record<string, unknown>;
  /** The friend's reward, chained after the purchase or visit. */
  followUp?: (purchase: LedgerEntry) => EntryDraft;
  itemsAfter: (entries: LedgerEntry[]) => NamedItem[];
}

/**
 * The friend's first purchase or visit at a till while their referral is pending decides it, in the same
 * transaction as the purchase: past the deadline or with both passes on one Apple device it is refused;
 * otherwise it qualifies and the friend's reward is chained after the purchase. The referral's condition
 * (still pending) and the profile's (seq as read) make two qualifying purchases at once decide it once: the
 * loser reads the profile again, finds nothing pending, and is a plain purchase. The device check is the
 * only read added, and only to this one earn of a referred member (the pending referral is on the profile).
 */
export async function referralOnEarn(
  db: Db,
  customer: Customer,
  now: Date,
): Promise<ReferralEarnWrites | undefined> {
  const pending = customer.referral;
  if (!pending?.pending) return undefined;
  const record = { merchantId: customer.merchantId, id: pending.id };
  const profileUpdates = { "referral.pending": false };
  const at = now.toISOString();
  const refuse = (reason: ReferralReason): ReferralEarnWrites => ({
    profileUpdates,
    itemsAfter: () => [
      referralTransition(db, record, ["pending"], { status: "refused", reason, updatedAt: at }),
    ],
  });
  if (now.toISOString() > pending.deadline) return refuse("deadline_passed");
  const [mine, theirs] = await Promise.all([
    listPassDevices(db, customer.passSerial),
    listPassDevices(db, pending.referrerPassSerial),
  ]);
  const theirDevices = new Set(theirs.map((d) => d.deviceLibraryIdentifier));
  if (mine.some((d) => theirDevices.has(d.deviceLibraryIdentifier))) return refuse("same_device");
  return {
    profileUpdates,
    followUp: (purchase) => ({
      type: "referral_reward",
      points: pending.refereePoints,
      programId: pending.programId,
      programVersion: pending.programVersion,
      inputs: referralRewardInputs({ role: "referee", joinedAt: customer.createdAt, qualifiedAt: at }),
      refs: { entryId: purchase.id, referralId: pending.id },
    }),
    itemsAfter: (entries) => {
      const [purchase] = entries;
      const reward = entries.find((e) => e.type === "referral_reward");
      return [
        referralTransition(db, record, ["pending"], {
          status: "qualified",
          qualifiedAt: at,
          ...(purchase ? { qualifyingEntryId: purchase.id } : {}),
          ...(reward ? { refereeEntryId: reward.id } : {}),
          updatedAt: at,
        }),
      ];
    },
  };
}
