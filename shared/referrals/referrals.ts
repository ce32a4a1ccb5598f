import type { Principal } from "../auth/principal.ts";
import { conflict, DomainError, notFound } from "../errors.ts";
import { NO_EXPIRY } from "../expiry/policy.ts";
import type { Idempotency } from "../idempotency.ts";
import { newId } from "../ids.ts";
import { referralReversalInputs, referralRewardInputs } from "../ledger/explain/parts.ts";
import { logger } from "../logger.ts";
import { getProgram, listPrograms } from "../merchants/directory.ts";
import type { Customer, LedgerEntry, Program } from "../model.ts";
import { type EntryDraft, type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { type NamedItem, TransactionCancelled, transact } from "../store/db/transact.ts";
import { listPassDevices } from "../store/pass-devices.ts";
import {
  findReferrerByCode,
  listReferralsOf,
  monthCountPut,
  newReferralItems,
  pendingReferralCleared,
  readMonthCount,
  readReferral,
  referralTransition,
  updateReferral,
} from "../store/referrals.ts";
import type { PendingReferral, Referral, ReferralReason } from "./model.ts";
import { REASON_TEXTS } from "./reasons.ts";
import type { ReferralSettings } from "./settings.ts";

/** A member's code: 10 characters of shared/ids.ts's 30-letter alphabet, about 49 bits, drawn per member. */
export const REFERRAL_CODE_LENGTH = 10;

const DAY_MS = 86_400_000;

/** The member and program a join link's code stands for, once checked. */
export interface ReferralInvite {
  referrer: Pick<Customer, "id" | "passSerial">;
  program: Program & { referrals: ReferralSettings };
}

/**
 * The referrer behind a code and the program whose offer applies: the join link's location's, else the
 * merchant's first program offering referrals. undefined when the code is no member's (an erased one
 * included) or no program offers referrals: the friend still joins, without a referral.
 */
export async function inviteOf(
  db: Db,
  merchantId: string,
  code: string,
  programIdOfLocation: string | undefined,
): Promise<ReferralInvite | undefined> {
  const referrerId = await findReferrerByCode(db, merchantId, code);
  if (!referrerId) return undefined;
  const [referrer, programs] = await Promise.all([
    readCustomer(db, merchantId, referrerId),
    programIdOfLocation
      ? getProgram(db, merchantId, programIdOfLocation).then((p) => (p ? [p] : []))
      : listPrograms(db, merchantId),
  ]);
  if (!referrer || referrer.erasedAt) return undefined;
  const program = programs.find((p) => p.referrals);
  if (!program?.referrals) return undefined;
  return { referrer, program: program as ReferralInvite["program"] };
}

const monthOf = (at: Date) => at.toISOString().slice(0, 7);

/**
 * At enrolment: the referral of the new member, pending or refused for the referrer's monthly cap, counted
 * on condition the month's count is still as read (two friends joining at once cannot both pass the cap).
 */
export async function referralAtEnrolment(
  db: Db,
  invite: ReferralInvite,
  customer: Pick<Customer, "merchantId" | "id">,
  at: Date,
): Promise<{ items: NamedItem[]; pending?: PendingReferral }> {
  const { merchantId } = customer;
  const settings = invite.program.referrals;
  const month = monthOf(at);
  const count = await readMonthCount(db, merchantId, invite.referrer.id, month);
  const capped = count >= settings.maxPerReferrerPerMonth;
  const now = at.toISOString();
  const referral: Referral = {
    merchantId,
    id: newId("ref", at),
    referrerId: invite.referrer.id,
    refereeId: customer.id,
    status: capped ? "refused" : "pending",
    ...(capped ? { reason: "monthly_cap" as const } : {}),
    programId: invite.program.id,
    programVersion: invite.program.version,
    referrerPoints: settings.referrerPoints,
    refereePoints: settings.refereePoints,
    deadline: new Date(at.getTime() + settings.qualifyWithinDays * DAY_MS).toISOString(),
    createdAt: now,
    updatedAt: now,
  };
  const items = [
    ...newReferralItems(db, referral),
    ...(capped ? [] : [monthCountPut(db, merchantId, invite.referrer.id, month, count)]),
  ];
  if (capped) return { items };
  return {
    items,
    pending: {
      id: referral.id,
      referrerId: referral.referrerId,
      referrerPassSerial: invite.referrer.passSerial,
      programId: referral.programId,
      programVersion: referral.programVersion,
      refereePoints: referral.refereePoints,
      deadline: referral.deadline,
      pending: true,
    },
  };
}

/**
 * A join whose e-mail or phone already has a card (which is then sent, never shown): the referral is
 * recorded as refused, for staff to see. The code's own member: self-referral; anyone else: an existing member.
 */
export function refusedAtJoin(db: Db, invite: ReferralInvite, holderId: string, at: Date): NamedItem[] {
  const now = at.toISOString();
  const settings = invite.program.referrals;
  return newReferralItems(db, {
    merchantId: invite.program.merchantId,
    id: newId("ref", at),
    referrerId: invite.referrer.id,
    refereeId: holderId,
    status: "refused",
    reason: holderId === invite.referrer.id ? "self_referral" : "existing_member",
    programId: invite.program.id,
    programVersion: invite.program.version,
    referrerPoints: settings.referrerPoints,
    refereePoints: settings.refereePoints,
    deadline: now,
    createdAt: now,
    updatedAt: now,
  });
}

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

/** Keys of the writes the system makes for a referral: a space sets them apart from any client's key. */
const systemKey = (referralId: string, what: string): Idempotency => ({
  key: `referral ${referralId} ${what}`,
  fingerprint: `referral.${what}`,
});

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

type Role = "referrer" | "referee";

/**
 * Takes one reward of a cancelled referral back, as a new entry, never below zero: what the balance
 * cannot cover is recorded as `shortfall`, as for a purchase return, and not collected later. Under a key
 * of its own, so a cancellation resumed after a failure takes nothing twice.
 */
async function reverseReward(
  deps: LedgerDeps,
  referral: Referral,
  role: Role,
  cause: "purchase_returned" | "cancelled_by_staff",
  staffId: string | undefined,
): Promise<void> {
  const entryId = role === "referee" ? referral.refereeEntryId : referral.referrerEntryId;
  const done = role === "referee" ? referral.refereeReversalId : referral.referrerReversalId;
  const reward = role === "referee" ? referral.refereePoints : referral.referrerPoints;
  if (!entryId || done) return;
  await ledgerWrite(deps, {
    name: "referrals.reverse",
    merchantId: referral.merchantId,
    idempotency: systemKey(referral.id, `${role}-reversal`),
    loadReadsOnly: true,
    load: async () => undefined,
    customerId: () => (role === "referee" ? referral.refereeId : referral.referrerId),
    plan: ({ customer, now }) => {
      const taken = Math.min(reward, customer.balance);
      const shortfall = reward - taken;
      return {
        entry: {
          type: "referral_reversal",
          // 0 - taken rather than -taken: a reward of 0 points must not write -0.
          points: 0 - taken,
          ...(shortfall > 0 ? { shortfall } : {}),
          ...(staffId ? { staffId } : {}),
          programId: referral.programId,
          programVersion: referral.programVersion,
          inputs: referralReversalInputs({ role, cause, reward }),
          refs: { entryId, referralId: referral.id },
        },
        itemsAfter: ([entry]) => [
          referralTransition(deps.db, referral, ["cancelled"], {
            [role === "referee" ? "refereeReversalId" : "referrerReversalId"]: entry?.id,
            updatedAt: now.toISOString(),
          }),
        ],
        result: (entry) => entry.id,
      };
    },
  });
}

/**
 * Cancels a referral (staff, or its qualifying purchase returned): the referral is marked cancelled first
 * (a pending one with the friend's profile, in one transaction, so a purchase racing it no longer
 * qualifies), then each reward paid is taken back. Cancelling one already cancelled finishes what a failure
 * may have left and changes nothing more; a refused referral paid nothing and cannot be cancelled.
 */
export async function cancelReferral(
  deps: LedgerDeps,
  merchantId: string,
  referralId: string,
  cause: "purchase_returned" | "cancelled_by_staff",
  staffId: string | undefined,
): Promise<Referral> {
  const { db } = deps;
  for (let attempt = 0; attempt < 5; attempt++) {
    const referral = await readReferral(db, merchantId, referralId);
    if (!referral) throw notFound("Referral");
    if (referral.status === "refused") {
      throw conflict("This referral was refused: it paid nothing to cancel.", { reason: referral.reason });
    }
    if (referral.status !== "cancelled") {
      const at = deps.clock().toISOString();
      const set: Partial<Referral> = {
        status: "cancelled",
        reason: cause,
        cancelledAt: at,
        ...(staffId ? { cancelledBy: staffId } : {}),
        updatedAt: at,
      };
      try {
        if (referral.status === "pending") {
          await transact(db, [
            referralTransition(db, referral, ["pending"], set),
            pendingReferralCleared(db, merchantId, referral.refereeId, referral.id),
          ]);
        } else if (!(await updateReferral(db, referral, [referral.status], set))) {
          continue;
        }
      } catch (error) {
        if (error instanceof TransactionCancelled) continue;
        throw error;
      }
    }
    const cancelled = (await readReferral(db, merchantId, referralId)) ?? referral;
    const why = cancelled.reason === "purchase_returned" ? "purchase_returned" : "cancelled_by_staff";
    await reverseReward(deps, cancelled, "referee", why, staffId);
    await reverseReward(deps, cancelled, "referrer", why, staffId);
    return (await readReferral(db, merchantId, referralId)) ?? cancelled;
  }
  throw conflict("This referral is changing; retry.");
}

/**
 * A purchase return (a `reversal` entry, seen by the stream) of the purchase that qualified the member's
 * referral cancels it. One profile read per return; nothing for members who joined without a code.
 */
export async function cancelOnReturn(
  deps: LedgerDeps,
  merchantId: string,
  customerId: string,
  purchaseId: string,
): Promise<void> {
  const customer = await readCustomer(deps.db, merchantId, customerId);
  const referralId = customer?.referral?.id;
  if (!referralId) return;
  const referral = await readReferral(deps.db, merchantId, referralId);
  if (referral?.qualifyingEntryId !== purchaseId) return;
  if (
    referral.status === "refused" ||
    (referral.status === "cancelled" && referral.reason !== "purchase_returned")
  )
    return;
  await cancelReferral(deps, merchantId, referralId, "purchase_returned", undefined);
}

export function referralView(referral: Referral) {
  return {
    id: referral.id,
    referrerId: referral.referrerId,
    refereeId: referral.refereeId,
    status: referral.status,
    reason: referral.reason ?? null,
    explanation: referral.reason ? REASON_TEXTS[referral.reason] : null,
    programId: referral.programId,
    programVersion: referral.programVersion,
    referrerPoints: referral.referrerPoints,
    refereePoints: referral.refereePoints,
    deadline: referral.deadline,
    qualifyingEntryId: referral.qualifyingEntryId ?? null,
    refereeEntryId: referral.refereeEntryId ?? null,
    referrerEntryId: referral.referrerEntryId ?? null,
    refereeReversalId: referral.refereeReversalId ?? null,
    referrerReversalId: referral.referrerReversalId ?? null,
    createdAt: referral.createdAt,
    updatedAt: referral.updatedAt,
  };
}

export type ReferralView = ReturnType<typeof referralView>;

/** A member's referrals: those they made, and the one they joined by, newest first. */
export async function listCustomerReferrals(
  deps: { db: Db },
  principal: Principal,
  customerId: string,
): Promise<{ referralCode: string | null; referrals: (ReferralView & { role: Role })[] }> {
  const customer = await readCustomer(deps.db, principal.merchantId, customerId);
  if (!customer) throw notFound("Customer");
  const referrals = await listReferralsOf(deps.db, principal.merchantId, customerId, customer.referral?.id);
  return {
    referralCode: customer.referralCode ?? null,
    referrals: referrals.map((r) => ({
      ...referralView(r),
      role: r.referrerId === customerId ? "referrer" : "referee",
    })),
  };
}

/** POST /v1/referrals/{id}/cancel, for staff. */
export async function cancelReferralByStaff(
  deps: LedgerDeps,
  principal: Principal,
  referralId: string,
): Promise<{ referral: ReferralView }> {
  const referral = await cancelReferral(
    deps,
    principal.merchantId,
    referralId,
    "cancelled_by_staff",
    principal.staffId,
  );
  return { referral: referralView(referral) };
}
