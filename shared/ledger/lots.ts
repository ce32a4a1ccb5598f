/**
 * Where a customer's points sit until they are spent or expire. Points that expire on the same UTC day are
 * one lot; lots are held in buckets, one per calendar quarter of their expiry (and one for points that never
 * expire on their own), so:
 * - an earn touches exactly one bucket, whose size is bounded (at most 92 days) whatever the history;
 * - a debit touches at most every open bucket: expiry dates lie within 10 years (ExpiryPolicySchema), so at
 *   most 41 quarters plus the "never" bucket, plus overdue quarters the expiry job has not reached yet.
 * A lot expires at the latest expiry time of the points it holds: consolidation may let points live up
 * to a day longer than their policy said, never a moment shorter.
 *
 * Everything here is pure; shared/store/ledger/lots.ts reads and writes the buckets.
 */

export interface Lot {
  /** UTC day the lot expires, or "never". */
  day: string;
  points: number;
  /** When the lot expires (the latest expiry among its points); absent for "never". */
  expiresAt?: string;
  /** Reminder steps (days before expiry) already sent for this lot. */
  remindersSent?: number[];
}

export interface Bucket {
  /** "2027-1" … "2027-4", or "never". */
  key: string;
  /** Lots by day, soonest first. */
  lots: Lot[];
  /** The seq of the entry that last wrote it, as read; 0: the bucket does not exist yet. */
  rev: number;
}

export const NEVER = "never";
/**
 * Points earned under an inactivity policy: no date of their own, they expire together when the customer's
 * inactivity deadline passes. Held apart from "never", so a deadline takes them and only them.
 */
export const INACTIVITY = "inactivity";

/** Buckets a single write may touch; the bound above keeps real customers far below it. */
export const MAX_BUCKETS_PER_WRITE = 80;

export const dayOf = (expiresAt: string | undefined) => (expiresAt ? expiresAt.slice(0, 10) : NEVER);

export function bucketKeyOf(expiresAt: string | undefined): string {
  if (!expiresAt) return NEVER;
  const month = Number(expiresAt.slice(5, 7));
  return `${expiresAt.slice(0, 4)}-${Math.ceil(month / 3)}`;
}

/** Where a credit's points go: the bucket and the lot of their expiry day, or the inactivity lot. */
export function lotPlaceOf(
  expiresAt: string | undefined,
  underInactivity: boolean,
): { bucket: string; day: string } {
  return underInactivity
    ? { bucket: INACTIVITY, day: INACTIVITY }
    : { bucket: bucketKeyOf(expiresAt), day: dayOf(expiresAt) };
}

/**
 * Buckets sort by key, lots by day: soonest to expire first. Plain string order does it: "2027-1" … "2027-4"
 * (digits) before "inactivity" (may expire) before "never" — the order of the sort keys DynamoDB returns.
 */
export const compareBuckets = (a: { key: string }, b: { key: string }) =>
  a.key === b.key ? 0 : a.key < b.key ? -1 : 1;

export const bucketPoints = (bucket: Pick<Bucket, "lots">) =>
  bucket.lots.reduce((sum, lot) => sum + lot.points, 0);

export const totalPoints = (buckets: readonly Pick<Bucket, "lots">[]) =>
  buckets.reduce((sum, b) => sum + bucketPoints(b), 0);

/** The bucket with `points` more in the lot of their expiry day (or `day`, for the inactivity lot). */
export function credit(
  bucket: Bucket,
  points: number,
  expiresAt: string | undefined,
  day: string = dayOf(expiresAt),
): Bucket {
  if (!Number.isSafeInteger(points) || points <= 0) throw new Error(`credit of ${points} points`);
  const place = day === INACTIVITY ? INACTIVITY : bucketKeyOf(expiresAt);
  if (bucket.key !== place) throw new Error("credit into the wrong bucket");
  const found = bucket.lots.find((lot) => lot.day === day);
  const lots = found
    ? bucket.lots.map((lot) =>
        lot === found ? { ...lot, points: lot.points + points, ...latest(lot.expiresAt, expiresAt) } : lot,
      )
    : [...bucket.lots, { day, points, ...(expiresAt ? { expiresAt } : {}) }].sort((a, b) =>
        a.day < b.day ? -1 : a.day > b.day ? 1 : 0,
      );
  return { ...bucket, lots };
}

const latest = (a: string | undefined, b: string | undefined) => {
  const later = a && b ? (a > b ? a : b) : (a ?? b);
  return later ? { expiresAt: later } : {};
};

/** The lots hold less than a debit takes: the balance and the lots disagree (or were read at different times). */
export class LotsShort extends Error {
  constructor(held: number, wanted: number) {
    super(`the lots hold ${held} of the ${wanted} points to take: balance and lots disagree`);
    this.name = "LotsShort";
  }
}

export interface Spending {
  /** The buckets as they are after the spend, only those that changed (empty lots removed). */
  changed: Bucket[];
  /** What was taken, lot by lot. */
  taken: Lot[];
}

/**
 * Takes `amount` points, soonest-expiring first (`only`: from those lots alone, as expiry does).
 * Throws when the buckets do not hold that much: a debit the lots cannot cover means the balance and the
 * lots disagree, which must stop the write rather than drop points silently.
 */
export function spend(buckets: readonly Bucket[], amount: number, only?: (lot: Lot) => boolean): Spending {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`spend of ${amount} points`);
  const changed: Bucket[] = [];
  const taken: Lot[] = [];
  let left = amount;
  for (const bucket of [...buckets].sort(compareBuckets)) {
    if (left === 0) break;
    let touched = false;
    const lots: Lot[] = [];
    for (const lot of bucket.lots) {
      const take = left > 0 && (!only || only(lot)) ? Math.min(left, lot.points) : 0;
      if (take > 0) {
        left -= take;
        touched = true;
        taken.push({ ...lot, points: take });
      }
      if (lot.points - take > 0) lots.push({ ...lot, points: lot.points - take });
    }
    if (touched) changed.push({ ...bucket, lots });
  }
  if (left > 0) throw new LotsShort(amount - left, amount);
  if (changed.length > MAX_BUCKETS_PER_WRITE) {
    throw new Error(`a spend over ${changed.length} buckets exceeds the bound of ${MAX_BUCKETS_PER_WRITE}`);
  }
  return { changed, taken };
}

/** Lots whose time has come. */
export const isDue = (now: Date) => (lot: Lot) =>
  lot.expiresAt !== undefined && lot.expiresAt <= now.toISOString();

/** When the bucket next needs the expiry job: its soonest lot's expiry, if any lot expires. */
export const nextDue = (bucket: Pick<Bucket, "lots">): string | undefined =>
  bucket.lots.find((lot) => lot.expiresAt !== undefined)?.expiresAt;
