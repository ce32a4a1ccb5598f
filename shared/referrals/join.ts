import { newId } from "../ids.ts";
import { getProgram, listPrograms } from "../merchants/directory.ts";
import type { Customer, Program } from "../model.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import type { NamedItem } from "../store/db/transact.ts";
import { findReferrerByCode, monthCountPut, newReferralItems, readMonthCount } from "../store/referrals.ts";
import type { PendingReferral, Referral } from "./model.ts";
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
