import {
  checkEarnedPoints,
  checkOccurredAt,
  checkPurchaseAmount,
  maxPurchaseOf,
  programCurrency,
} from "../bounds.ts";
import { conflict, ValidationError } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { newId } from "../ids.ts";
import { listEntries } from "../ledger/read.ts";
import { getLocation, getMerchant, getProgram, listProgramVersions } from "../merchants/directory.ts";
import type { Claim, LedgerEntry, Merchant, Program } from "../model.ts";
import { runWrite, type WriteDeps, type WriteResult } from "../pipeline/write.ts";
import type { CustomerIdentity } from "../portal/access.ts";
import { computePurchasePoints, computeVisitPoints } from "../programs/rules.ts";
import { newClaimItem, receiptItem } from "../store/claims.ts";
import type { Db } from "../store/db/client.ts";
import { type ClaimView, claimView, normalizeReceipt } from "./claim.ts";
import { type Earning, MATCH_WINDOW_MS, matchClaim } from "./match.ts";

/** As the customer sends it; without a currency, the amount is in the location's program currency. */
export type ClaimRequest = Pick<
  Claim,
  "occurredAt" | "locationId" | "amount" | "currency" | "receiptNumber" | "description"
>;

/** Older visits are past what a merchant can still check (and past most programs' expiry). */
const MAX_CLAIM_AGE_MS = 365 * 24 * 3600_000;
const PAGE = 100;

/**
 * The program version that was in force at `at` (the newest saved at or before it), so the proposal uses
 * the rule the till would have used; the oldest version for a time before the program existed.
 */
async function programInForceAt(
  db: Db,
  merchantId: string,
  programId: string,
  at: string,
): Promise<Program | undefined> {
  let cursor: string | undefined;
  let oldest: Program | undefined;
  do {
    const page = await listProgramVersions(db, merchantId, programId, {
      limit: 25,
      ...(cursor ? { cursor } : {}),
    });
    const inForce = page.versions.find((version) => version.updatedAt <= at);
    if (inForce) return inForce;
    oldest = page.versions.at(-1) ?? oldest;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return oldest ?? (await getProgram(db, merchantId, programId));
}

/** What the program gives for the claim: a visit's points, or the claimed amount's; undefined without an amount. */
function earningFor(program: Program, claim: ClaimRequest): Earning | undefined {
  const made = { programId: program.id, programVersion: program.version };
  if (program.rule.kind === "visit") return { ...computeVisitPoints(program.rule), ...made };
  if (claim.amount === undefined) return undefined;
  const computed = computePurchasePoints(program.rule, {
    amount: claim.amount,
    currency: claim.currency ?? program.rule.currency,
  });
  return { points: computed.points, explanation: computed.explanation, ...made };
}

/** The customer's entries written since `since`, newest first: every entry that can record a visit after it. */
async function entriesSince(db: Db, member: CustomerIdentity, since: number): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await listEntries(db, member.merchantId, member.customerId, {
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    });
    entries.push(...page.entries);
    // Entries are appended in time order, and one is never written before what it records happened.
    const oldest = page.entries.at(-1);
    cursor = oldest && Date.parse(oldest.createdAt) >= since ? (page.nextCursor ?? undefined) : undefined;
  } while (cursor);
  return entries;
}

/** Not in the future, not before the merchant existed (shared/bounds.ts), and not older than a year. */
function checkTime(occurredAt: string, merchant: Merchant, now: Date): void {
  checkOccurredAt(occurredAt, merchant.createdAt, now);
  if (Date.parse(occurredAt) < now.getTime() - MAX_CLAIM_AGE_MS) {
    throw ValidationError.field("occurredAt", "is more than a year ago; ask the shop directly");
  }
}

/** Step 2 of the write: reads and validates the claim as sent; only reads, so a replay's answer wins over it. */
async function loadClaim(deps: WriteDeps, member: CustomerIdentity, input: ClaimRequest) {
  const { db } = deps;
  const [merchant, location] = await Promise.all([
    getMerchant(db, member.merchantId),
    getLocation(db, member.merchantId, input.locationId),
  ]);
  if (!merchant) throw new Error(`merchant ${member.merchantId} of a valid portal token is missing`);
  checkTime(input.occurredAt, merchant, deps.clock());
  const receipt = input.receiptNumber === undefined ? undefined : normalizeReceipt(input.receiptNumber);
  if (!location) throw ValidationError.field("locationId", "no such location");
  const occurredAt = new Date(input.occurredAt).toISOString();
  const program = await programInForceAt(db, member.merchantId, location.programId, occurredAt);
  if (!program) throw new Error(`location ${location.id} points to a missing program`);
  const earning = earningFor(program, input);
  // The same bounds as at the till: a claim can never propose what a purchase could not earn.
  if (input.amount !== undefined) {
    checkPurchaseAmount(
      input.amount,
      input.currency ?? programCurrency(program, merchant),
      maxPurchaseOf(merchant),
    );
  }
  if (earning) checkEarnedPoints(earning.points);
  const currency =
    input.amount === undefined
      ? undefined
      : (input.currency ?? (program.rule.kind === "purchase" ? program.rule.currency : undefined));
  return { location, receipt, occurredAt, earning, currency };
}

/**
 * Files a claim for missing points, matched against the ledger first (shared/claims/match.ts): a claim
 * for points already credited is closed as `already_credited` at once; any other is `pending` for staff,
 * with what the location's rule proposes. A receipt number can be claimed once per location (409).
 */
export async function fileClaim(
  deps: WriteDeps,
  member: CustomerIdentity,
  input: ClaimRequest,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ claim: ClaimView }>> {
  const { db } = deps;
  return runWrite(deps, {
    name: "me.claims.create",
    merchantId: member.merchantId,
    // The customer is part of the fingerprint: another customer's key can never replay this response.
    idempotency: idempotencyFrom(idempotencyKey, "me.claims.create", {
      customerId: member.customerId,
      ...input,
    }),
    loadReadsOnly: true,
    load: () => loadClaim(deps, member, input),
    attempt: async ({ location, receipt, occurredAt, earning, currency }, at) => {
      const entries = await entriesSince(db, member, Date.parse(occurredAt) - MATCH_WINDOW_MS);
      const match = matchClaim(
        { occurredAt, locationId: location.id, ...(input.amount ? { amount: input.amount } : {}) },
        entries,
        earning,
      );
      const now = at.toISOString();
      const claim: Claim = {
        merchantId: member.merchantId,
        id: newId("clm", at),
        customerId: member.customerId,
        status: match.outcome === "already_credited" ? "already_credited" : "pending",
        occurredAt,
        locationId: location.id,
        ...(input.amount !== undefined ? { amount: input.amount } : {}),
        ...(currency ? { currency } : {}),
        ...(input.receiptNumber !== undefined ? { receiptNumber: input.receiptNumber } : {}),
        description: input.description,
        match,
        createdAt: now,
        updatedAt: now,
      };
      return {
        items: [newClaimItem(db, claim), ...(receipt ? [receiptItem(db, claim, receipt)] : [])],
        result: { claim: claimView(claim) },
      };
    },
    onConditionFailed: (name) =>
      name === "receipt"
        ? conflict("This receipt number was already claimed.", { field: "receiptNumber" })
        : undefined,
  });
}
