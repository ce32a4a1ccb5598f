import { DomainError } from "../errors.ts";
import { NO_EXPIRY } from "../expiry/policy.ts";
import { referralRewardInputs } from "../ledger/explain/parts.ts";
import { logger } from "../logger.ts";
import { getProgram } from "../merchants/directory.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import { readReferral, referralTransition } from "../store/referrals.ts";
import { systemKey } from "./system-keys.ts";

class NoLongerQualified extends Error {}

/**
 * The referrer's reward, written from the stream once the friend's reward entry is in (functions/
 * webhooks-stream.ts): through the pipeline under a key of its own, so a record delivered again pays
 * nothing twice, and with the referral's move to rewarded in the same transaction, so a referral cancelled
 * meanwhile pays nothing. Its `refs` name the friend's reward entry.
 */
export async function payReferrer(deps: LedgerDeps, merchantId: string, referralId: string): Promise<void> {
  const referral = await readReferral(deps.db, merchantId, referralId);
  if (referral?.status !== "qualified" || !referral.refereeEntryId) return;
  const refereeEntryId = referral.refereeEntryId;
  try {
    await ledgerWrite(deps, {
      name: "referrals.reward",
      merchantId,
      idempotency: systemKey(referralId, "referrer"),
      loadReadsOnly: true,
      load: () => getProgram(deps.db, merchantId, referral.programId),
      customerId: () => referral.referrerId,
      expiry: (program) => program?.expiry ?? NO_EXPIRY,
      plan: ({ now }) => ({
        entry: {
          type: "referral_reward",
          points: referral.referrerPoints,
          programId: referral.programId,
          programVersion: referral.programVersion,
          inputs: referralRewardInputs({
            role: "referrer",
            joinedAt: referral.createdAt,
            qualifiedAt: referral.qualifiedAt ?? now.toISOString(),
          }),
          refs: { entryId: refereeEntryId, referralId },
        },
        itemsAfter: ([entry]) => [
          referralTransition(deps.db, referral, ["qualified"], {
            status: "rewarded",
            ...(entry ? { referrerEntryId: entry.id } : {}),
            updatedAt: now.toISOString(),
          }),
        ],
        result: (entry) => entry.id,
      }),
      onConditionFailed: (name) => (name === "referral" ? new NoLongerQualified() : undefined),
    });
  } catch (error) {
    if (error instanceof NoLongerQualified) return;
    // An erased or missing referrer: nothing to pay, and delivering the record again would not change it.
    if (error instanceof DomainError && error.kind === "not-found") {
      logger.warn("referral referrer not found", { merchantId, referralId });
      return;
    }
    throw error;
  }
}
