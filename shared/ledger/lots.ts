/**
 * Where a customer's points sit until they are spent or expire. All the points credited with the same UTC
 * expiry day are one lot (`2027-03-14`); points earned under an inactivity policy are the `inactivity` lot,
 * points that never expire the `never` lot. A lot only ever grows, by credits: its size does not depend on
 * the customer's history. Debits do not touch lots: they add to the profile's `spent`, the points debited
 * and not yet charged to a lot. The lots are charged in expiry order — dated lots by day, then `inactivity`,
 * then `never`, the order of their keys — so what is left of lot k is clamp(S_k − spent, 0, L_k), S_k being
 * the points of the lots up to and including k. Hence balance = Σ lots − spent (docs/architecture.md, "Points
 * in lots, and expiry", has the proof).
 *
 * A lot expires at the latest expiry time of the points it holds: consolidation may let points live up to a
 * day longer than their policy said, never a moment shorter.
 *
 * Everything here is pure; shared/store/ledger/lots.ts reads and writes the lot items.
 */

export interface Lot {
  /** The UTC day the lot expires (YYYY-MM-DD), INACTIVITY or NEVER; lots sort by it, soonest to expire first. */
  key: string;
  /** Every point credited to the lot; `spent` says how many of them are gone. At least 1 in a stored lot. */
  points: number;
  /** When the lot expires (the latest expiry among its points); absent for the inactivity and never lots. */
  expiresAt?: string;
  /** Reminder steps (days before expiry) already sent for this lot. */
  remindersSent?: number[];
  /** The seq of the entry that last wrote it, as read; 0: the lot does not exist yet. */
  rev: number;
}

export const NEVER = "never";
/**
 * Points earned under an inactivity policy: no date of their own, they expire together when the customer's
 * inactivity deadline passes. Held apart from "never", so a deadline takes them and only them.
 */
export const INACTIVITY = "inactivity";

/**
 * Lots a debit deletes at most, among the soonest that `spent` covers in full: they would otherwise linger,
 * charged but stored, until their day, and every read of "what expires when" starts at the soonest lot.
 */
export const MAX_RELEASED_PER_DEBIT = 20;
/** Due lots one expiry write deletes at most; a customer with more is expired in chained writes. */
export const MAX_EXPIRED_PER_WRITE = 80;
/**
 * Writes a debit chains at most, once committed, to delete the lots it covers beyond the 20 it deleted
 * itself, MAX_EXPIRED_PER_WRITE each (2,000 lots): readers of "what expires when" then start at a lot with
 * points left. The cap bounds one request's time; what a larger debit leaves, the next debit goes on with.
 */
export const MAX_RELEASE_WRITES_AFTER_DEBIT = 25;

/** Where a credit's points go: the lot of their expiry day, the inactivity lot, or the never lot. */
export function lotKeyOf(expiresAt: string | undefined, underInactivity: boolean): string {
  if (underInactivity) return INACTIVITY;
  return expiresAt ? expiresAt.slice(0, 10) : NEVER;
}

export const isDated = (lot: Pick<Lot, "key">) => lot.key !== INACTIVITY && lot.key !== NEVER;

/**
 * Soonest to expire first. Plain string order does it: "2027-03-14" (digits) before "inactivity" (may
 * expire) before "never" — the order of the sort keys DynamoDB returns.
 */
export const compareLots = (a: Pick<Lot, "key">, b: Pick<Lot, "key">) =>
  a.key === b.key ? 0 : a.key < b.key ? -1 : 1;

export const sumPoints = (lots: readonly Pick<Lot, "points">[]) =>
  lots.reduce((sum, lot) => sum + lot.points, 0);

const checkPoints = (what: string, points: number, min: number) => {
  if (!Number.isSafeInteger(points) || points < min) throw new Error(`${what} of ${points} points`);
};

/** The lot with `points` more, expiring at the latest of its own time and the credit's. */
export function credit(lot: Lot, points: number, expiresAt: string | undefined): Lot {
  checkPoints("credit", points, 1);
  if (lotKeyOf(expiresAt, lot.key === INACTIVITY) !== lot.key) throw new Error("credit into the wrong lot");
  const at =
    lot.expiresAt && expiresAt
      ? lot.expiresAt > expiresAt
        ? lot.expiresAt
        : expiresAt
      : (lot.expiresAt ?? expiresAt);
  return { ...lot, points: lot.points + points, ...(at ? { expiresAt: at } : {}) };
}

/** A lot and what is left of it once `spent` is charged in expiry order. */
export interface Held {
  lot: Lot;
  left: number;
}

/** What is left of each lot (sorted, soonest first, all of the customer's from the first), charging `spent`. */
export function held(lots: readonly Lot[], spent: number): Held[] {
  checkPoints("spent", spent, 0);
  let charge = spent;
  return lots.map((lot) => {
    const taken = Math.min(charge, lot.points);
    charge -= taken;
    return { lot, left: lot.points - taken };
  });
}

/** A debit: `spent` grows by the amount; the soonest lots it then covers in full leave, lowering it again. */
export interface Debit {
  spentAfter: number;
  /** Lots to delete: the soonest ones, each charged in full, at most MAX_RELEASED_PER_DEBIT. */
  released: Lot[];
}

/** `front`: the customer's soonest lots, as read from the first (at least MAX_RELEASED_PER_DEBIT, or all). */
export function debit(front: readonly Lot[], spent: number, amount: number): Debit {
  checkPoints("debit", amount, 1);
  return release(front, spent + amount);
}

/** The soonest lots of `front` that `spent` covers in full (at most `max`), and what stays spent. */
export function release(front: readonly Lot[], spent: number, max = MAX_RELEASED_PER_DEBIT): Debit {
  checkPoints("spent", spent, 0);
  const released: Lot[] = [];
  let left = spent;
  for (const lot of front) {
    if (released.length === max || lot.points > left) break;
    released.push(lot);
    left -= lot.points;
  }
  return { spentAfter: left, released };
}

/** Expiring lots: what of each was already spent (`consumed`) and what expires with it. */
export interface Expiring {
  lots: { lot: Lot; consumed: number; expired: number }[];
  consumed: number;
  expired: number;
  spentAfter: number;
}

/**
 * Deletes `lots` (consecutive in expiry order, after lots holding `before` points that stay): each first takes
 * what `spent` still charges to it, clamp(spent − before, 0, points); the rest of it expires.
 */
export function expire(lots: readonly Lot[], spent: number, before = 0): Expiring {
  checkPoints("spent", spent, 0);
  checkPoints("points before", before, 0);
  let charge = spent;
  const each = lots.map((lot) => {
    const consumed = Math.min(Math.max(charge - before, 0), lot.points);
    charge -= consumed;
    return { lot, consumed, expired: lot.points - consumed };
  });
  return {
    lots: each,
    consumed: spent - charge,
    expired: each.reduce((sum, l) => sum + l.expired, 0),
    spentAfter: charge,
  };
}

/** Lots whose time has come. */
export const isDue = (now: Date) => (lot: Pick<Lot, "expiresAt">) =>
  lot.expiresAt !== undefined && lot.expiresAt <= now.toISOString();
