import { expiryInputs } from "../ledger/explain/parts.ts";
import { bucketKeyOf, isDue } from "../ledger/lots.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import { inactivityDelete, readInactivity, retireInactivity } from "../store/ledger/inactivity.ts";
import { readBuckets } from "../store/ledger/lots.ts";

/** Thrown by the plan when nothing is due any more (already expired, or the deadline moved). */
class NothingDue extends Error {}

export interface ExpiryOutcome {
  points: number;
  lots: number;
}

/**
 * Writes one `expiry` entry for what is due for a customer at `now`: the lots whose date has passed, or the
 * whole balance when an inactivity deadline has passed. The lots are spent in the same transaction, so
 * running it again (or two jobs at once) finds nothing due: nothing ever expires twice, and only the run
 * whose write happened reports the points. No Idempotency-Key: no client retries this write.
 */
export async function expireCustomer(
  deps: LedgerDeps,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<ExpiryOutcome | undefined> {
  const { db } = deps;
  const nowIso = now.toISOString();
  let staleDeadline: string | undefined;
  try {
    const { result } = await ledgerWrite(
      { ...deps, clock: () => now },
      {
        name: "expiry",
        merchantId,
        load: async () => undefined,
        customerId: () => customerId,
        plan: async () => {
          const [inactivity, dueSoFar] = await Promise.all([
            readInactivity(db, merchantId, customerId),
            readBuckets(db, merchantId, customerId, { through: bucketKeyOf(nowIso) }),
          ]);
          const inactive = inactivity !== undefined && inactivity.dueAt <= nowIso;
          // An inactivity deadline takes every lot, the ones that would expire later included.
          const buckets = inactive ? await readBuckets(db, merchantId, customerId) : dueSoFar;
          const due = buckets.flatMap((b) => b.lots).filter(inactive ? () => true : isDue(now));
          if (due.length === 0) {
            staleDeadline = inactive ? inactivity.dueAt : undefined;
            throw new NothingDue();
          }
          const points = due.reduce((sum, lot) => sum + lot.points, 0);
          const inputs = expiryInputs(
            inactive
              ? {
                  policy: "inactivity",
                  expiredOn: nowIso,
                  days: inactivity.days,
                  lastEarnedAt: inactivity.lastEarnedAt,
                }
              : {
                  policy: "dated",
                  expiredOn: nowIso,
                  expired: due.map((lot) => ({ points: lot.points, expiresAt: lot.expiresAt ?? nowIso })),
                },
          );
          return {
            entry: {
              type: "expiry",
              points: -points,
              inputs,
            },
            spendOnly: { buckets, lots: inactive ? () => true : isDue(now) },
            items: inactive ? [inactivityDelete(db, merchantId, customerId, inactivity.dueAt)] : [],
            result: () => ({ points, lots: due.length }),
          };
        },
      },
    );
    return result;
  } catch (error) {
    if (!(error instanceof NothingDue)) throw error;
    // An inactivity deadline passed on an empty balance: nothing to expire, just retire the deadline.
    if (staleDeadline) await retireInactivity(db, merchantId, customerId, staleDeadline);
    return undefined;
  }
}
