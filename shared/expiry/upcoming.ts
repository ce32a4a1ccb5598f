import type { Db } from "../db/client.ts";
import { readOpenBatches } from "../ledger/batches.ts";
import { readInactivity } from "./expire-customer.ts";

export interface UpcomingExpiry {
  /** ISO time the points expire at. */
  expiresAt: string;
  points: number;
  /** "batch": points earned together; "inactivity": the whole balance, unless the customer earns before. */
  kind: "batch" | "inactivity";
}

/** What will expire and when, soonest first: the customer's answer to "when do my points expire?". */
export async function upcomingExpiries(
  db: Db,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<UpcomingExpiry[]> {
  const [batches, inactivity] = await Promise.all([
    readOpenBatches(db, merchantId, customerId),
    readInactivity(db, merchantId, customerId),
  ]);
  const nowIso = now.toISOString();
  const byDate = new Map<string, number>();
  for (const batch of batches) {
    if (!batch.expiresAt || batch.expiresAt <= nowIso) continue;
    byDate.set(batch.expiresAt, (byDate.get(batch.expiresAt) ?? 0) + batch.remaining);
  }
  const upcoming: UpcomingExpiry[] = [...byDate].map(([expiresAt, points]) => ({
    expiresAt,
    points,
    kind: "batch",
  }));
  const total = batches.reduce((sum, b) => sum + b.remaining, 0);
  if (inactivity && inactivity.dueAt > nowIso && total > 0) {
    upcoming.push({ expiresAt: inactivity.dueAt, points: total, kind: "inactivity" });
  }
  return upcoming.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}
