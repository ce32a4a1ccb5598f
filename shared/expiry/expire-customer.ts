import { expiryInputs } from "../ledger/explain/parts.ts";
import { bucketKeyOf, INACTIVITY, isDue, type Lot } from "../ledger/lots.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import { inactivityDelete, readInactivity, retireInactivity } from "../store/ledger/inactivity.ts";
import { readBucket, readBuckets } from "../store/ledger/lots.ts";

/** Thrown by the plan when nothing is due any more (already expired, or the deadline moved). */
class NothingDue extends Error {}

export interface ExpiryOutcome {
  points: number;
  lots: number;
}

const add = (a: ExpiryOutcome | undefined, b: ExpiryOutcome | undefined): ExpiryOutcome | undefined =>
  a && b ? { points: a.points + b.points, lots: a.lots + b.lots } : (a ?? b);

/**
 * Writes an `expiry` entry for what is due for a customer at `now`: the points earned under an inactivity
 * policy once its deadline has passed, then the dated lots whose time has come. The lots are spent in the
 * same transaction, so running it again (or two jobs at once) finds nothing due: nothing ever expires twice,
 * and only the run whose write happened reports the points. No Idempotency-Key: no client retries this write.
 */
export async function expireCustomer(
  deps: LedgerDeps,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<ExpiryOutcome | undefined> {
  const inactive = await expireInactive(deps, merchantId, customerId, now);
  return add(inactive, await expireDated(deps, merchantId, customerId, now));
}

/** Runs one expiry write; undefined when its plan finds nothing due. */
async function expiryWrite(
  deps: LedgerDeps,
  merchantId: string,
  customerId: string,
  now: Date,
  plan: Parameters<typeof ledgerWrite<undefined, ExpiryOutcome>>[1]["plan"],
): Promise<ExpiryOutcome | undefined> {
  try {
    const { result } = await ledgerWrite(
      { ...deps, clock: () => now },
      { name: "expiry", merchantId, load: async () => undefined, customerId: () => customerId, plan },
    );
    return result;
  } catch (error) {
    if (error instanceof NothingDue) return undefined;
    throw error;
  }
}

const outcome = (lots: Lot[]) => ({
  points: lots.reduce((sum, lot) => sum + lot.points, 0),
  lots: lots.length,
});

/** The inactivity lot, past its deadline; the deadline is consumed in the same write. */
async function expireInactive(deps: LedgerDeps, merchantId: string, customerId: string, now: Date) {
  const { db } = deps;
  const nowIso = now.toISOString();
  // Most customers the job reaches have no deadline due: tell so from one read, before the pipeline reads
  // the customer. The plan reads the deadline again, fresh, when one is due.
  const known = await readInactivity(db, merchantId, customerId);
  if (!known || known.dueAt > nowIso) return undefined;
  let stale: string | undefined;
  const expired = await expiryWrite(deps, merchantId, customerId, now, async () => {
    const deadline = await readInactivity(db, merchantId, customerId);
    if (!deadline || deadline.dueAt > nowIso) throw new NothingDue();
    const bucket = await readBucket(db, merchantId, customerId, INACTIVITY);
    if (bucket.lots.length === 0) {
      stale = deadline.dueAt;
      throw new NothingDue();
    }
    const { points, lots } = outcome(bucket.lots);
    return {
      entry: {
        type: "expiry",
        points: -points,
        inputs: expiryInputs({
          policy: "inactivity",
          expiredOn: nowIso,
          days: deadline.days,
          lastEarnedAt: deadline.lastEarnedAt,
        }),
      },
      spendOnly: { buckets: [bucket], lots: (lot) => lot.day === INACTIVITY },
      // A concurrent earn that moved the deadline makes this plan again, and find nothing due.
      items: [inactivityDelete(db, merchantId, customerId, deadline.dueAt)],
      result: () => ({ points, lots }),
    };
  });
  // A deadline passed with nothing left under it: it only leaves the due index.
  if (stale) await retireInactivity(db, merchantId, customerId, stale);
  return expired;
}

/** The dated lots whose time has come: they sit in the buckets up to this quarter's. */
async function expireDated(deps: LedgerDeps, merchantId: string, customerId: string, now: Date) {
  const nowIso = now.toISOString();
  return expiryWrite(deps, merchantId, customerId, now, async () => {
    const buckets = await readBuckets(deps.db, merchantId, customerId, { through: bucketKeyOf(nowIso) });
    const due = buckets.flatMap((b) => b.lots).filter(isDue(now));
    if (due.length === 0) throw new NothingDue();
    const { points, lots } = outcome(due);
    return {
      entry: {
        type: "expiry",
        points: -points,
        inputs: expiryInputs({
          policy: "dated",
          expiredOn: nowIso,
          expired: due.map((lot) => ({ points: lot.points, expiresAt: lot.expiresAt ?? nowIso })),
        }),
      },
      spendOnly: { buckets, lots: isDue(now) },
      result: () => ({ points, lots }),
    };
  });
}
