import { expiryInputs } from "../ledger/explain/parts.ts";
import {
  expire,
  INACTIVITY,
  isDated,
  isDue,
  type Lot,
  MAX_EXPIRED_PER_WRITE,
  sumPoints,
} from "../ledger/lots.ts";
import type { Customer } from "../model.ts";
import { type LedgerDeps, type LotRun, ledgerWrite } from "../pipeline/ledger-write.ts";
import type { NamedItem } from "../store/db/transact.ts";
import { inactivityDelete, readInactivity, retireInactivity } from "../store/ledger/inactivity.ts";
import { readLot, readLots } from "../store/ledger/lots.ts";

/** Thrown by the plan when nothing is due any more (already expired, or the deadline moved). */
class NothingDue extends Error {}

export interface ExpiryOutcome {
  points: number;
  lots: number;
}

const add = (a: ExpiryOutcome | undefined, b: ExpiryOutcome | undefined): ExpiryOutcome | undefined =>
  a && b ? { points: a.points + b.points, lots: a.lots + b.lots } : (a ?? b);

/**
 * Writes `expiry` entries for what is due for a customer at `now`: the dated lots whose time has come,
 * soonest first, then the points earned under an inactivity policy once its deadline has passed. The lots
 * leave in the same transaction, so running it again (or two jobs at once) finds nothing due: nothing ever
 * expires twice, and only the run whose write happened reports the points. No Idempotency-Key: no client
 * retries this write.
 */
export async function expireCustomer(
  deps: LedgerDeps,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<ExpiryOutcome | undefined> {
  const dated = await expireDated(deps, merchantId, customerId, now);
  return add(dated, await expireInactive(deps, merchantId, customerId, now));
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

/**
 * The plan that deletes `run`: an entry for the points it expires, or, when `spent` already covers all of
 * them, no entry (the lots only leave, and `spent` falls by their points).
 */
function expiryPlan(
  customer: Customer,
  run: LotRun,
  inputs: (expired: { lot: Lot; expired: number }[]) => Record<string, string>,
  items: NamedItem[] = [],
) {
  const expiring = expire(run.lots, customer.spent ?? 0, run.before);
  const expired = expiring.lots.filter((l) => l.expired > 0);
  const outcome: ExpiryOutcome = { points: expiring.expired, lots: expired.length };
  if (expiring.expired === 0) return { release: run, items, result: () => outcome };
  return {
    entry: { type: "expiry" as const, points: -expiring.expired, inputs: inputs(expired) },
    expiring: run,
    items,
    result: () => outcome,
  };
}

/** Counts only what expired: lots that leave with nothing left in them expire nothing. */
const counted = (outcome: ExpiryOutcome | undefined) => (outcome && outcome.points > 0 ? outcome : undefined);

/**
 * The dated lots whose time has come, soonest first: each is then the first lot, with nothing before it
 * that `spent` could be charged to. At most MAX_EXPIRED_PER_WRITE a write; a customer with more due is
 * expired in chained writes, each its own entry, until nothing is due.
 */
async function expireDated(deps: LedgerDeps, merchantId: string, customerId: string, now: Date) {
  const nowIso = now.toISOString();
  let total: ExpiryOutcome | undefined;
  for (;;) {
    const step = await expiryWrite(deps, merchantId, customerId, now, async ({ customer }) => {
      const front = await readLots(deps.db, merchantId, customerId, {
        through: nowIso.slice(0, 10),
        first: MAX_EXPIRED_PER_WRITE,
      });
      const due: Lot[] = [];
      for (const lot of front) {
        if (!isDated(lot) || !isDue(now)(lot)) break;
        due.push(lot);
      }
      if (due.length === 0) throw new NothingDue();
      return expiryPlan(customer, { lots: due, before: 0 }, (expired) =>
        expiryInputs({
          policy: "dated",
          expiredOn: nowIso,
          expired: expired.map((l) => ({ points: l.expired, expiresAt: l.lot.expiresAt ?? nowIso })),
        }),
      );
    });
    if (!step) return total;
    total = add(total, counted(step));
  }
}

/**
 * The inactivity lot, past its deadline; the deadline is consumed in the same write. `spent` is charged to
 * every dated lot before it, so they are read (one query of small items) to know what of it is left.
 */
async function expireInactive(deps: LedgerDeps, merchantId: string, customerId: string, now: Date) {
  const { db } = deps;
  const nowIso = now.toISOString();
  // Most customers the job reaches have no deadline due: tell so from one read, before the pipeline reads
  // the customer. The plan reads the deadline again, fresh, when one is due.
  const known = await readInactivity(db, merchantId, customerId);
  if (!known || known.dueAt > nowIso) return undefined;
  let stale: string | undefined;
  const expired = await expiryWrite(deps, merchantId, customerId, now, async ({ customer }) => {
    const deadline = await readInactivity(db, merchantId, customerId);
    if (!deadline || deadline.dueAt > nowIso) throw new NothingDue();
    const [lot, dated] = await Promise.all([
      readLot(db, merchantId, customerId, INACTIVITY),
      readLots(db, merchantId, customerId, { dated: true }),
    ]);
    if (lot.points === 0) {
      stale = deadline.dueAt;
      throw new NothingDue();
    }
    return expiryPlan(
      customer,
      { lots: [lot], before: sumPoints(dated) },
      () =>
        expiryInputs({
          policy: "inactivity",
          expiredOn: nowIso,
          days: deadline.days,
          lastEarnedAt: deadline.lastEarnedAt,
        }),
      // A concurrent earn that moved the deadline makes this plan again, and find nothing due.
      [inactivityDelete(db, merchantId, customerId, deadline.dueAt)],
    );
  });
  // A deadline passed with nothing left under it: it only leaves the due index.
  if (stale) await retireInactivity(db, merchantId, customerId, stale);
  return counted(expired);
}
