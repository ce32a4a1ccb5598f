import { recordsVisit } from "../ledger/entry-types.ts";
import type { ClaimMatch, ClaimMatchedEntry, LedgerEntry } from "../model.ts";
import { parseDecimal, pow10 } from "../money.ts";

/**
 * The help article's checks ("customer didn't receive points"), run on the customer's ledger when a claim
 * is filed, so that most claims explain themselves before a person looks at them:
 * 1. Was it credited already? An entry at the claimed location around that time (for that amount, when one
 *    is given) → already_credited, with the entry.
 * 2. Was the right amount entered? A purchase credited there then for another amount → amount_differs.
 * 3. Was the right location used? An entry at another location then → other_location.
 * What the claimed location's rule gives for the claim is proposed to the reviewer, less what a matched
 * entry already credited.
 */

/** How far from the claimed time an entry still counts as the same visit: customers remember times roughly. */
export const MATCH_WINDOW_MS = 4 * 3600_000;

export interface ClaimFacts {
  occurredAt: string;
  locationId: string;
  amount?: string;
}

/** What the claimed location's program gives for the claim; undefined when it cannot tell (no amount). */
export interface Earning {
  points: number;
  explanation: string;
  programId: string;
  programVersion: number;
}

/** When what an entry records happened. */
const entryTime = (entry: LedgerEntry) => Date.parse(entry.occurredAt ?? entry.createdAt);

function sameAmount(a: string | undefined, b: string | undefined): boolean {
  const x = a === undefined ? undefined : parseDecimal(a);
  const y = b === undefined ? undefined : parseDecimal(b);
  if (!x || !y) return false;
  const scale = Math.max(x.scale, y.scale);
  return x.units * pow10(scale - x.scale) === y.units * pow10(scale - y.scale);
}

export function matchedEntry(entry: LedgerEntry): ClaimMatchedEntry {
  return {
    id: entry.id,
    seq: entry.seq,
    type: entry.type,
    points: entry.points,
    locationId: entry.locationId ?? null,
    amount: entry.inputs.amount ?? null,
    currency: entry.inputs.currency ?? null,
    at: new Date(entryTime(entry)).toISOString(),
    explanation: entry.explanation,
  };
}

/** The earning less what `entry` already credited; nothing when that leaves nothing to credit. */
function remainder(earning: Earning | undefined, entry: LedgerEntry | undefined): ClaimMatch["proposal"] {
  if (!earning) return undefined;
  if (!entry) return earning;
  const points = earning.points - entry.points;
  if (points <= 0) return undefined;
  return {
    ...earning,
    points,
    explanation: `${earning.explanation}, less ${entry.points} already credited → ${points} points`,
  };
}

/**
 * `entries` may be any of the customer's entries; only credits that stand for a visit or purchase (the
 * entry-type registry's recordsVisit: earnings, and hand credits for a missed scan or a wrong amount) near
 * the claimed time are considered.
 */
export function matchClaim(
  claim: ClaimFacts,
  entries: readonly LedgerEntry[],
  earning?: Earning,
): ClaimMatch {
  const at = Date.parse(claim.occurredAt);
  const near = entries
    .filter((entry) => recordsVisit(entry) && Math.abs(entryTime(entry) - at) <= MATCH_WINDOW_MS)
    .sort((a, b) => Math.abs(entryTime(a) - at) - Math.abs(entryTime(b) - at));
  // A hand credit without a location was made for the customer at that time, wherever it was.
  const here = near.filter(
    (entry) => entry.locationId === claim.locationId || entry.locationId === undefined,
  );
  const elsewhere = near.filter((entry) => !here.includes(entry));
  const isPurchase = (entry: LedgerEntry) => entry.type === "purchase";
  const found = (
    outcome: ClaimMatch["outcome"],
    entry: LedgerEntry,
    proposal = remainder(earning, entry),
  ) => ({
    outcome,
    entry: matchedEntry(entry),
    ...(proposal ? { proposal } : {}),
  });

  const credited = claim.amount
    ? (here.find((entry) => isPurchase(entry) && sameAmount(entry.inputs.amount, claim.amount)) ??
      here.find((entry) => !isPurchase(entry)))
    : here[0];
  if (credited) return { outcome: "already_credited", entry: matchedEntry(credited) };
  const otherAmount = here.find(isPurchase);
  if (otherAmount) return found("amount_differs", otherAmount);
  const scannedElsewhere =
    elsewhere.find((entry) => isPurchase(entry) && sameAmount(entry.inputs.amount, claim.amount)) ??
    elsewhere[0];
  if (scannedElsewhere) return found("other_location", scannedElsewhere);
  return { outcome: "no_match", ...(earning ? { proposal: earning } : {}) };
}
