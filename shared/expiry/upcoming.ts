import { INACTIVITY, isDated } from "../ledger/lots.ts";
import type { Db } from "../store/db/client.ts";
import { readInactivity } from "../store/ledger/inactivity.ts";
import { heldLots } from "./held-lots.ts";

export interface UpcomingExpiry {
  /** ISO time the points expire at. */
  expiresAt: string;
  points: number;
  /** "batch": points that expire on that day; "inactivity": the points earned under an inactivity policy, unless the customer earns there before. */
  kind: "batch" | "inactivity";
}

/**
 * What will expire and when, soonest first: the customer's answer to "when do my points expire?". Reads
 * the customer's lots, one small item per expiry day, and charges what was spent to the soonest of them.
 */
export async function upcomingExpiries(
  db: Db,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<UpcomingExpiry[]> {
  const [lots, inactivity] = await Promise.all([
    heldLots(db, merchantId, customerId),
    readInactivity(db, merchantId, customerId),
  ]);
  const nowIso = now.toISOString();
  const upcoming: UpcomingExpiry[] = lots.flatMap(({ lot, left }) =>
    isDated(lot) && lot.expiresAt !== undefined && lot.expiresAt > nowIso && left > 0
      ? [{ expiresAt: lot.expiresAt, points: left, kind: "batch" as const }]
      : [],
  );
  // The deadline takes the points left of those earned under the inactivity policy, not the customer's others.
  const underInactivity = lots.find(({ lot }) => lot.key === INACTIVITY)?.left ?? 0;
  if (inactivity && inactivity.dueAt > nowIso && underInactivity > 0) {
    upcoming.push({ expiresAt: inactivity.dueAt, points: underInactivity, kind: "inactivity" });
  }
  return upcoming.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}
