import { held, INACTIVITY, type Lot, NEVER, sumPoints } from "../ledger/lots.ts";
import type { Db } from "../store/db/client.ts";
import { readInactivity } from "../store/ledger/inactivity.ts";
import { readLots } from "../store/ledger/lots.ts";
import { lotsAsOfProfile } from "./held-lots.ts";

export interface UpcomingExpiry {
  /** ISO time the points expire at. */
  expiresAt: string;
  points: number;
  /** "batch": points that expire on that day; "inactivity": the points earned under an inactivity policy, unless the customer earns there before. */
  kind: "batch" | "inactivity";
}

/** Expiry days listed at most: the pass shows the soonest, the portal a short list. */
export const UPCOMING_LISTED = 10;
/**
 * Dated lots read per query, from the soonest. Beyond the days listed, room for lots still charged at the
 * front: a debit deletes those it covers in chained writes, so only one past that chain's cap leaves any
 * (docs/architecture.md, "What expires when, in a bounded read").
 */
export const FRONT_LOTS_READ = 50;

/**
 * What will expire and when, soonest first, at most UPCOMING_LISTED days (and the inactivity deadline): the
 * customer's answer to "when do my points expire?". Reads the soonest dated lots and the two undated ones,
 * whatever the number of lots; only when more than FRONT_LOTS_READ lots at the front are spent in full does
 * it read on, a page at a time, to the first lot with points left.
 */
export async function upcomingExpiries(
  db: Db,
  merchantId: string,
  customerId: string,
  now: Date,
): Promise<UpcomingExpiry[]> {
  const [{ customer, lots }, inactivity] = await Promise.all([
    lotsAsOfProfile(db, merchantId, customerId, () =>
      Promise.all([
        readLots(db, merchantId, customerId, { dated: true, first: FRONT_LOTS_READ }),
        readLots(db, merchantId, customerId, { undated: true }),
      ]),
    ),
    readInactivity(db, merchantId, customerId),
  ]);
  const [front, undated] = lots;
  const spent = customer?.spent ?? 0;
  const balance = customer?.balance ?? 0;
  const lot = (key: string) => undated.find((l) => l.key === key);
  // balance = Σ lots − spent and the undated lots are charged last, so what is left of them follows from
  // the balance alone: `never` keeps min(balance, its points), `inactivity` what the balance holds beyond.
  const leftNever = Math.min(balance, lot(NEVER)?.points ?? 0);
  const leftInactivity = Math.min(Math.max(balance - leftNever, 0), lot(INACTIVITY)?.points ?? 0);
  const datedLeft = balance - leftNever - leftInactivity;

  const nowIso = now.toISOString();
  const dated = await soonestDated(db, { merchantId, customerId, nowIso }, front, spent, datedLeft);
  const listed: UpcomingExpiry[] = dated.upcoming.slice(0, UPCOMING_LISTED);
  // The deadline takes the points left of those earned under the inactivity policy, not the customer's others.
  // Listed only where it falls among the lots read: a dated lot not read may come before it.
  const before = listed.length === UPCOMING_LISTED || !dated.complete ? listed.at(-1)?.expiresAt : undefined;
  if (
    inactivity &&
    inactivity.dueAt > nowIso &&
    leftInactivity > 0 &&
    (before === undefined || inactivity.dueAt <= before)
  ) {
    listed.push({ expiresAt: inactivity.dueAt, points: leftInactivity, kind: "inactivity" });
  }
  return listed.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

/**
 * The soonest dated lots with points left, from `front` (the first FRONT_LOTS_READ dated lots): read on a
 * page at a time while every lot read is spent in full, or while fewer than UPCOMING_LISTED are to come,
 * unless the lots read hold all `datedLeft` (the points left in dated lots) or none is left to read.
 * `complete`: no dated lot not read holds a point.
 */
async function soonestDated(
  db: Db,
  at: { merchantId: string; customerId: string; nowIso: string },
  front: Lot[],
  spent: number,
  datedLeft: number,
): Promise<{ upcoming: UpcomingExpiry[]; complete: boolean }> {
  const upcoming: UpcomingExpiry[] = [];
  let found = 0;
  let page = front;
  let charge = spent;
  for (;;) {
    for (const { lot, left } of held(page, charge)) {
      found += left;
      if (lot.expiresAt !== undefined && lot.expiresAt > at.nowIso && left > 0) {
        upcoming.push({ expiresAt: lot.expiresAt, points: left, kind: "batch" });
      }
    }
    const complete = page.length < FRONT_LOTS_READ || found >= datedLeft;
    if (complete || upcoming.length >= UPCOMING_LISTED) return { upcoming, complete };
    // What `spent` charges beyond the lots read so far falls on the next ones.
    charge = Math.max(charge - sumPoints(page), 0);
    page = await readLots(db, at.merchantId, at.customerId, {
      dated: true,
      after: page.at(-1)?.key,
      first: FRONT_LOTS_READ,
    });
  }
}
