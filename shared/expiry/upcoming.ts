import { INACTIVITY, totalPoints } from "../ledger/lots.ts";
import type { Db } from "../store/db/client.ts";
import { readInactivity } from "../store/ledger/inactivity.ts";
import { readBuckets } from "../store/ledger/lots.ts";

export interface UpcomingExpiry {
  /** ISO time the points expire at. */
  expiresAt: string;
  points: number;
  /** "batch": points that expire on that day; "inactivity": the points earned under an inactivity policy, unless the customer earns there before. */
  kind: "batch" | "inactivity";
}

/**
 * What will expire and when, soonest first: the customer's answer to "when do my points expire?". Reads
 * the customer's lot buckets: a bounded number of items (shared/ledger/lots.ts), whatever the history.
 */
export async function upcomingExpiries(
  db: Db,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<UpcomingExpiry[]> {
  const [buckets, inactivity] = await Promise.all([
    readBuckets(db, merchantId, customerId),
    readInactivity(db, merchantId, customerId),
  ]);
  const nowIso = now.toISOString();
  const upcoming: UpcomingExpiry[] = buckets
    .flatMap((bucket) => bucket.lots)
    .filter((lot) => lot.expiresAt !== undefined && lot.expiresAt > nowIso)
    .map((lot) => ({ expiresAt: lot.expiresAt as string, points: lot.points, kind: "batch" }));
  // The deadline takes the points earned under the inactivity policy, not the customer's other points.
  const underInactivity = totalPoints(buckets.filter((bucket) => bucket.key === INACTIVITY));
  if (inactivity && inactivity.dueAt > nowIso && underInactivity > 0) {
    upcoming.push({ expiresAt: inactivity.dueAt, points: underInactivity, kind: "inactivity" });
  }
  return upcoming.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}
