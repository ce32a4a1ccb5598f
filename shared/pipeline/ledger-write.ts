import { checkCredit } from "../bounds.ts";
import { conflict, notFound } from "../errors.ts";
import { batchExpiresAt, type ExpiryPolicy, inactivityDueAt, NO_EXPIRY } from "../expiry/policy.ts";
import { newId } from "../ids.ts";
import { explanationToRecord } from "../ledger/entry-types.ts";
import { hashEntry } from "../ledger/hash-chain.ts";
import {
  credit,
  debit,
  expire,
  type Lot,
  lotKeyOf,
  MAX_EXPIRED_PER_WRITE,
  MAX_RELEASE_WRITES_AFTER_DEBIT,
  MAX_RELEASED_PER_DEBIT,
  release,
  sumPoints,
} from "../ledger/lots.ts";
import { logger } from "../logger.ts";
import type { Customer, LedgerEntry } from "../model.ts";
import { chainAdvance, readCustomer, spentRelease } from "../store/customers/profile.ts";
import type { NamedItem } from "../store/db/transact.ts";
import { entryPut } from "../store/ledger/entries.ts";
import { inactivityPut } from "../store/ledger/inactivity.ts";
import { lotCreditWrite, lotDelete, readLot, readLots } from "../store/ledger/lots.ts";
import {
  type Attempt,
  runWrite,
  StaleRead,
  type WriteDeps,
  type WriteOperation,
  type WriteResult,
} from "./write.ts";

/**
 * What an operation decides an entry records; the pipeline adds its place in the chain and its explanation,
 * written from these fields by the entry-type registry (shared/ledger/entry-types.ts), so every reader can
 * rebuild the same text in the member's language.
 */
export type EntryDraft = Omit<
  LedgerEntry,
  | "id"
  | "merchantId"
  | "customerId"
  | "seq"
  | "balanceAfter"
  | "createdAt"
  | "prevHash"
  | "hash"
  | "explanation"
>;

/** What an operation wants written, decided from the customer as read (it may throw a domain error). */
export interface LedgerPlan<R> {
  entry: EntryDraft;
  /** Further profile attributes set in the same write, e.g. the time of this visit. */
  profileUpdates?: Record<string, unknown>;
  /** The operation's own items, written atomically with the entry (a redemption, a claim's decision…). */
  items?: NamedItem[];
  /**
   * Entries chained right after this one in the same transaction, in order: e.g. the tier change the
   * entry's points caused (shared/tiers/), a decision recorded in the ledger, never apart from its cause;
   * or the friend's referral reward its purchase earned (shared/referrals/). A follow-up with points is a
   * credit after an entry that debits nothing: its points go to the same lot as the entry's.
   */
  followUp?: (entry: LedgerEntry) => EntryDraft | EntryDraft[];
  /** Items that name the entries written (the entry, then its follow-ups), e.g. a record of their ids. */
  itemsAfter?: (entries: LedgerEntry[]) => NamedItem[];
  /**
   * For expiry: the lots it deletes, read by the plan after the customer, consecutive in expiry order after
   * lots holding `before` points. `spent` is charged to them first; the entry's points are what it leaves
   * of them (`expire` in shared/ledger/lots.ts). Other debits only add to `spent`.
   */
  expiring?: LotRun;
  /** The domain result, stored with the Idempotency-Key and replayed as it is. */
  result: (entry: LedgerEntry) => R;
}

/** Lots consecutive in expiry order, after lots holding `before` points; at most MAX_EXPIRED_PER_WRITE. */
export interface LotRun {
  lots: Lot[];
  before: number;
}

/**
 * A plan with no entry: expired lots that `spent` covers in full leave, `spent` falling by their points.
 * Nothing a customer holds changes (the balance, or what is left of any lot), so it is no ledger entry.
 */
export interface ReleasePlan<R> {
  release: LotRun;
  items?: NamedItem[];
  result: () => R;
}

export interface LedgerState<C> {
  customer: Customer;
  context: C;
  now: Date;
}

export interface LedgerOperation<C, R> extends Omit<WriteOperation<C, R>, "attempt"> {
  /** The customer whose balance changes, once the request is loaded (e.g. found by barcode). */
  customerId: (context: C) => string;
  /**
   * For an operation that credits: the expiry policy in force, recorded on the entry (`expiresAt`) and its
   * lot. Known before planning, so the lot is read in the same round trip as the customer.
   */
  expiry?: (context: C) => ExpiryPolicy | undefined;
  plan: (state: LedgerState<C>) => LedgerPlan<R> | ReleasePlan<R> | Promise<LedgerPlan<R> | ReleasePlan<R>>;
}

export type LedgerDeps = WriteDeps;

/**
 * Every balance change goes through here, on the one write path (./write.ts). Each attempt reads the
 * customer, lets the operation plan from that fresh state, builds the entry (seq + 1, prevHash = head),
 * and writes in one transaction: the entry, the profile (balance, `spent` and head, on condition the chain
 * and `spent` have not moved), the lots the points go to or that leave, and the operation's own items. Each
 * write moves Σ lots − spent by exactly the entry's points, and the balance by the same: they stay equal.
 */
export async function ledgerWrite<C, R>(
  deps: LedgerDeps,
  op: LedgerOperation<C, R>,
): Promise<WriteResult<R>> {
  // Set by the attempt that commits: a debit that deleted as many lots as it may, so more may be covered.
  let coveredLeft: string | undefined;
  const written = await runWrite(deps, {
    ...op,
    attempt: async (context, now): Promise<Attempt<R>> => {
      const { merchantId } = op;
      const customerId = op.customerId(context);
      coveredLeft = undefined;
      const expiry = op.expiry?.(context) ?? NO_EXPIRY;
      const creditExpiresAt = batchExpiresAt(expiry, now);
      const creditKey = lotKeyOf(creditExpiresAt, expiry.kind === "inactivity");
      const [customer, creditLot] = await Promise.all([
        readCustomer(deps.db, merchantId, customerId),
        op.expiry ? readLot(deps.db, merchantId, customerId, creditKey) : undefined,
      ]);
      if (!customer) throw notFound("Customer");
      const plan = await op.plan({ customer, context, now });
      if ("release" in plan) {
        return {
          items: [...releaseWrites(deps, customer, plan.release), ...(plan.items ?? [])],
          result: plan.result(),
        };
      }
      const expiresAt = plan.entry.points > 0 ? creditExpiresAt : undefined;
      const entry = buildEntry(customer, { ...plan.entry, ...(expiresAt ? { expiresAt } : {}) }, now);
      const drafts = plan.followUp ? [plan.followUp(entry)].flat() : [];
      const followUps = followUpEntries(entry, drafts, creditExpiresAt);
      const last = followUps[followUps.length - 1] ?? entry;
      if (last.balanceAfter < 0) {
        throw conflict("The balance is too low for this change.", { balance: customer.balance });
      }
      // What the entry and its follow-ups move together: one lot write, one check of the invariant.
      const moved = last.balanceAfter - customer.balance;
      // Whatever credits it, a balance stays an exact number (shared/bounds.ts).
      checkCredit(customer.balance, moved);
      const together: LedgerEntry =
        moved === entry.points
          ? entry
          : {
              ...entry,
              points: moved,
              seq: last.seq,
              ...(creditExpiresAt ? { expiresAt: creditExpiresAt } : {}),
            };
      const lots = await lotWrites(deps, customer, together, plan, expiry, creditLot);
      if (lots.coveredLeft) coveredLeft = customerId;
      return {
        items: [
          entryPut(deps.db, entry),
          ...followUps.map((followUp, i) => ({
            ...entryPut(deps.db, followUp),
            name: i === 0 ? "entry:followUp" : `entry:followUp${i + 1}`,
          })),
          chainAdvance(deps.db, customer, last, {
            ...plan.profileUpdates,
            ...(lots.spentAfter === undefined ? {} : { spent: lots.spentAfter }),
          }),
          ...lots.items,
          ...(plan.items ?? []),
          ...(plan.itemsAfter?.([entry, ...followUps]) ?? []),
        ],
        result: plan.result(entry),
      };
    },
  });
  if (!written.replayed && coveredLeft) await releaseCovered(deps, op.merchantId, coveredLeft);
  return written;
}

function buildEntry(customer: Customer, draft: EntryDraft, now: Date): LedgerEntry {
  if (!Number.isSafeInteger(draft.points)) throw new Error(`entry of ${draft.points} points`);
  const unhashed = {
    ...draft,
    explanation: explanationToRecord(draft),
    id: newId("txn", now),
    merchantId: customer.merchantId,
    customerId: customer.id,
    seq: customer.seq + 1,
    balanceAfter: customer.balance + draft.points,
    createdAt: now.toISOString(),
    prevHash: customer.headHash,
  };
  return { ...unhashed, hash: hashEntry(unhashed) } as LedgerEntry;
}

/**
 * The entries after `entry`, in the same write, each chained to the one before. A follow-up either moves
 * no points, or credits after an entry that debits nothing: its points then expire with the entry's
 * (the policy in force), in the same lot.
 */
function followUpEntries(
  entry: LedgerEntry,
  drafts: readonly EntryDraft[],
  creditExpiresAt: string | undefined,
): LedgerEntry[] {
  const written: LedgerEntry[] = [];
  let previous = entry;
  for (const draft of drafts) {
    if (draft.points < 0 || (draft.points > 0 && entry.points < 0)) {
      throw new Error(`a follow-up entry of ${draft.points} points after one of ${entry.points}`);
    }
    const expiresAt = draft.points > 0 ? creditExpiresAt : undefined;
    const head = {
      merchantId: entry.merchantId,
      id: entry.customerId,
      seq: previous.seq,
      balance: previous.balanceAfter,
      headHash: previous.hash,
    } as Customer;
    previous = buildEntry(head, { ...draft, ...(expiresAt ? { expiresAt } : {}) }, new Date(entry.createdAt));
    written.push(previous);
  }
  return written;
}

/** A lot written after the customer was read belongs to a write this plan did not see: read both again. */
function checkFresh(lots: readonly Lot[], customer: Customer) {
  if (lots.some((lot) => lot.rev > customer.seq)) throw new StaleRead("lots newer than the customer");
}

function checkRun(run: LotRun) {
  if (run.lots.length > MAX_EXPIRED_PER_WRITE) {
    throw new Error(`${run.lots.length} lots in one write exceed the bound of ${MAX_EXPIRED_PER_WRITE}`);
  }
}

/**
 * A credit fills the lot of its expiry day (and moves an inactivity deadline); a debit adds to `spent` and
 * deletes the soonest lots that `spent` then covers in full; expiry deletes the lots it expires.
 */
async function lotWrites<R>(
  deps: LedgerDeps,
  customer: Customer,
  entry: LedgerEntry,
  plan: LedgerPlan<R>,
  expiry: ExpiryPolicy,
  /** The credit's lot, if already read with the customer. */
  creditLot: Lot | undefined,
): Promise<{ items: NamedItem[]; spentAfter?: number; coveredLeft?: boolean }> {
  const { db } = deps;
  const { merchantId, customerId, points } = entry;
  const spent = customer.spent ?? 0;
  let credited: { read: Lot; after: Lot } | undefined;
  let deleted: Lot[] = [];
  let spentAfter = spent;
  let coveredLeft = false;
  const extra: NamedItem[] = [];
  if (points > 0) {
    const key = lotKeyOf(entry.expiresAt, expiry.kind === "inactivity");
    const read = creditLot?.key === key ? creditLot : await readLot(db, merchantId, customerId, key);
    checkFresh([read], customer);
    credited = { read, after: credit(read, points, entry.expiresAt) };
    const dueAt = inactivityDueAt(expiry, new Date(entry.createdAt));
    if (dueAt && expiry.kind === "inactivity") {
      extra.push(
        inactivityPut(db, merchantId, customerId, {
          dueAt,
          days: expiry.days,
          lastEarnedAt: entry.createdAt,
        }),
      );
    }
  } else if (points < 0 && plan.expiring) {
    checkRun(plan.expiring);
    checkFresh(plan.expiring.lots, customer);
    deleted = plan.expiring.lots;
    spentAfter = expire(deleted, spent, plan.expiring.before).spentAfter;
  } else if (points < 0) {
    // Read after the customer: the profile's condition (seq and spent) covers them.
    const front = await readLots(db, merchantId, customerId, { first: MAX_RELEASED_PER_DEBIT });
    checkFresh(front, customer);
    const spending = debit(front, spent, -points);
    deleted = spending.released;
    coveredLeft = deleted.length === MAX_RELEASED_PER_DEBIT;
    spentAfter = spending.spentAfter;
  } else {
    return { items: [] };
  }
  // The invariant, checked on every write: Σ lots − spent moves by exactly the entry's points.
  const lotsMoved = (credited ? credited.after.points - credited.read.points : 0) - sumPoints(deleted);
  const moved = lotsMoved - (spentAfter - spent);
  if (moved !== points || spentAfter < 0) {
    throw new Error(
      `lots and spent moved by ${moved} (spent ${spentAfter}) for an entry of ${points} points`,
    );
  }
  return {
    items: [
      ...(credited
        ? [lotCreditWrite(db, merchantId, customerId, credited.read, credited.after, entry.seq)]
        : []),
      ...deleted.map((lot) => lotDelete(db, merchantId, customerId, lot)),
      ...extra,
    ],
    ...(spentAfter === spent ? {} : { spentAfter }),
    ...(coveredLeft ? { coveredLeft } : {}),
  };
}

/** Expired lots whose points were all spent already: they leave, and `spent` falls by their points. */
function releaseWrites(deps: LedgerDeps, customer: Customer, run: LotRun): NamedItem[] {
  const { db } = deps;
  checkRun(run);
  checkFresh(run.lots, customer);
  const expiring = expire(run.lots, customer.spent ?? 0, run.before);
  if (run.lots.length === 0 || expiring.expired !== 0) {
    throw new Error(`a release of ${run.lots.length} lots would expire ${expiring.expired} points`);
  }
  return [
    spentRelease(db, customer, expiring.spentAfter),
    ...run.lots.map((lot) => lotDelete(db, customer.merchantId, customer.id, lot)),
  ];
}

class NothingCovered extends Error {}

/**
 * After a debit that deleted MAX_RELEASED_PER_DEBIT lots: the soonest lots `spent` still covers in full
 * leave in chained release writes (MAX_EXPIRED_PER_WRITE each, at most MAX_RELEASE_WRITES_AFTER_DEBIT), so
 * that the next read of "what expires when" starts at a lot with points left instead of walking hundreds of
 * spent ones (shared/expiry/upcoming.ts). Each write is conditional on the profile as read, like any other,
 * and moves Σ lots and `spent` by the same points. The debit has committed already: a failure here leaves
 * the lots charged, for the next debit to delete, and is only logged.
 */
async function releaseCovered(deps: LedgerDeps, merchantId: string, customerId: string) {
  try {
    for (let write = 0; write < MAX_RELEASE_WRITES_AFTER_DEBIT; write++) {
      const { result: released } = await ledgerWrite<undefined, number>(deps, {
        name: "ledger.release",
        merchantId,
        load: async () => undefined,
        customerId: () => customerId,
        plan: async ({ customer }) => {
          const front = await readLots(deps.db, merchantId, customerId, { first: MAX_EXPIRED_PER_WRITE });
          const { released } = release(front, customer.spent ?? 0, MAX_EXPIRED_PER_WRITE);
          if (released.length === 0) throw new NothingCovered();
          return { release: { lots: released, before: 0 }, result: () => released.length };
        },
      });
      if (released < MAX_EXPIRED_PER_WRITE) return;
    }
  } catch (error) {
    if (error instanceof NothingCovered) return;
    logger.warn("releasing spent lots after a debit failed", {
      merchantId,
      customerId,
      error: error instanceof Error ? error.name : String(error),
    });
  }
}
