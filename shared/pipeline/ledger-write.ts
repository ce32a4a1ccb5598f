import { checkCredit } from "../bounds.ts";
import { conflict, notFound } from "../errors.ts";
import { batchExpiresAt, type ExpiryPolicy, inactivityDueAt, NO_EXPIRY } from "../expiry/policy.ts";
import { newId } from "../ids.ts";
import { explanationToRecord } from "../ledger/entry-types.ts";
import { hashEntry } from "../ledger/hash-chain.ts";
import { type Bucket, bucketPoints, credit, type Lot, LotsShort, lotPlaceOf, spend } from "../ledger/lots.ts";
import type { Customer, LedgerEntry } from "../model.ts";
import { chainAdvance, readCustomer } from "../store/customers/profile.ts";
import type { NamedItem } from "../store/db/transact.ts";
import { entryPut } from "../store/ledger/entries.ts";
import { inactivityPut } from "../store/ledger/inactivity.ts";
import { bucketWrite, readBucket, readBuckets } from "../store/ledger/lots.ts";
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
  /** For a debit: take only the lots this accepts (expiry), from `buckets` the plan has read. */
  spendOnly?: { buckets: Bucket[]; lots: (lot: Lot) => boolean };
  /** The domain result, stored with the Idempotency-Key and replayed as it is. */
  result: (entry: LedgerEntry) => R;
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
   * lot. Known before planning, so the lot's bucket is read in the same round trip as the customer.
   */
  expiry?: (context: C) => ExpiryPolicy | undefined;
  plan: (state: LedgerState<C>) => LedgerPlan<R> | Promise<LedgerPlan<R>>;
}

export type LedgerDeps = WriteDeps;

/**
 * Every balance change goes through here, on the one write path (./write.ts). Each attempt reads the
 * customer, lets the operation plan from that fresh state, builds the entry (seq + 1, prevHash = head),
 * and writes in one transaction: the entry, the profile (balance and head, on condition the chain has not
 * moved), the lot buckets the points move in and out of, and the operation's own items. The balance moves
 * by exactly what the lots move by, so it always equals the points held in lots; a debit the lots cannot
 * cover throws (spend in shared/ledger/lots.ts).
 */
export function ledgerWrite<C, R>(deps: LedgerDeps, op: LedgerOperation<C, R>): Promise<WriteResult<R>> {
  return runWrite(deps, {
    ...op,
    attempt: async (context, now): Promise<Attempt<R>> => {
      const { merchantId } = op;
      const customerId = op.customerId(context);
      const expiry = op.expiry?.(context) ?? NO_EXPIRY;
      const creditExpiresAt = batchExpiresAt(expiry, now);
      const place = lotPlaceOf(creditExpiresAt, expiry.kind === "inactivity");
      const [customer, creditBucket] = await Promise.all([
        readCustomer(deps.db, merchantId, customerId),
        op.expiry ? readBucket(deps.db, merchantId, customerId, place.bucket) : undefined,
      ]);
      if (!customer) throw notFound("Customer");
      const plan = await op.plan({ customer, context, now });
      const expiresAt = plan.entry.points > 0 ? creditExpiresAt : undefined;
      const entry = buildEntry(customer, { ...plan.entry, ...(expiresAt ? { expiresAt } : {}) }, now);
      if (entry.balanceAfter < 0) {
        throw conflict("The balance is too low for this change.", { balance: customer.balance });
      }
      // Whatever credits it, a balance stays an exact number (shared/bounds.ts).
      checkCredit(customer.balance, entry.points);
      const lots = await lotWrites(deps, entry, plan, expiry, creditBucket);
      return {
        items: [
          entryPut(deps.db, entry),
          chainAdvance(deps.db, customer, entry, plan.profileUpdates),
          ...lots,
          ...(plan.items ?? []),
        ],
        result: plan.result(entry),
      };
    },
  });
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

/** A credit fills the lot of its expiry day (and moves an inactivity deadline); a debit empties lots. */
async function lotWrites<R>(
  deps: LedgerDeps,
  entry: LedgerEntry,
  plan: LedgerPlan<R>,
  expiry: ExpiryPolicy,
  /** The credit's bucket, if already read with the customer. */
  creditBucket: Bucket | undefined,
): Promise<NamedItem[]> {
  const { db } = deps;
  const { merchantId, customerId, points } = entry;
  let before: Bucket[];
  let after: Bucket[];
  const extra: NamedItem[] = [];
  if (points > 0) {
    const place = lotPlaceOf(entry.expiresAt, expiry.kind === "inactivity");
    const bucket = creditBucket ?? (await readBucket(db, merchantId, customerId, place.bucket));
    before = [bucket];
    after = [credit(bucket, points, entry.expiresAt, place.day)];
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
  } else if (points < 0) {
    before = plan.spendOnly?.buckets ?? (await readBuckets(db, merchantId, customerId, { enough: -points }));
    // Lots written after the customer was read belong to a write this plan did not see: read both again.
    if (before.some((bucket) => bucket.rev >= entry.seq)) throw new StaleRead("lots newer than the customer");
    try {
      after = spend(before, -points, plan.spendOnly?.lots).changed;
    } catch (error) {
      if (!(error instanceof LotsShort)) throw error;
      // A bucket emptied by a later write leaves no rev behind: the customer read again tells a write
      // committed in between (plan again) from balance and lots that truly disagree (stop the write).
      const now = await readCustomer(db, merchantId, customerId);
      if (now?.seq !== entry.seq - 1) throw new StaleRead("lots spent after the customer was read");
      throw error;
    }
    before = before.filter((b) => after.some((a) => a.key === b.key));
  } else {
    return [];
  }
  // The invariant, checked on every write: the lots move by exactly the entry's points.
  const moved =
    after.reduce((s, b) => s + bucketPoints(b), 0) - before.reduce((s, b) => s + bucketPoints(b), 0);
  if (moved !== points) throw new Error(`lots moved by ${moved} for an entry of ${points} points`);
  return [...after.map((bucket) => bucketWrite(db, merchantId, customerId, bucket, entry.seq)), ...extra];
}
