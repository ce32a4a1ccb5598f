import { type Principal, requireLocation } from "../auth/principal.ts";
import { MAX_MANUAL_POINTS } from "../bounds.ts";
import { refuseErased } from "../customers/erased.ts";
import { conflict, notFound, ValidationError } from "../errors.ts";
import { creditExpiryPolicy } from "../expiry/credit-policy.ts";
import { idempotencyFrom } from "../idempotency.ts";
import type { Claim } from "../model.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import { runWrite, type WriteDeps, type WriteResult } from "../pipeline/write.ts";
import { decisionItem, getClaim } from "../store/claims.ts";
import type { Db } from "../store/db/client.ts";
import { outboxItem } from "../store/notifications/outbox.ts";
import { manualDraft } from "../transactions/manual.ts";
import { type TransactionView, transactionView } from "../views.ts";
import { type ClaimView, claimView, OPEN_STATUSES } from "./claim.ts";

/**
 * Staff decide claims. Approval credits the points as a manual entry linked to the claim (refs.claimId),
 * written in the same transaction as the decision; the entry is what tells the customer (the pass update
 * and the notification sender work from entries). A rejection writes a notification to the outbox instead.
 * Another merchant's claim is a 404: claim ids are only ever looked up under the caller's merchant.
 */

async function openClaim(db: Db, principal: Principal, claimId: string): Promise<Claim> {
  const claim = await getClaim(db, principal.merchantId, claimId);
  if (!claim) throw notFound("Claim");
  if (!OPEN_STATUSES.includes(claim.status)) {
    throw conflict(`This claim was already ${claim.status}.`, { claimStatus: claim.status });
  }
  return claim;
}

export async function approveClaim(
  deps: LedgerDeps,
  principal: Principal,
  claimId: string,
  input: { points?: number; note?: string },
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ claim: ClaimView; transaction: TransactionView }>> {
  const { db } = deps;
  return ledgerWrite(deps, {
    name: "claims.approve",
    merchantId: principal.merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "claims.approve", { claimId, ...input }),
    loadReadsOnly: true,
    load: async () => {
      const claim = await getClaim(db, principal.merchantId, claimId);
      if (!claim) throw notFound("Claim");
      const points = input.points ?? claim.match.proposal?.points;
      if (points === undefined) {
        throw ValidationError.field(
          "points",
          "nothing is proposed for this claim: give the points to credit",
        );
      }
      if (points > MAX_MANUAL_POINTS) {
        throw ValidationError.field("points", `at most ${MAX_MANUAL_POINTS} points can be credited by hand`);
      }
      requireLocation(principal, claim.locationId);
      const expiry = await creditExpiryPolicy(db, principal.merchantId, claim.locationId);
      return { claim, points, expiry };
    },
    customerId: ({ claim }) => claim.customerId,
    expiry: ({ expiry }) => expiry,
    plan: async ({ customer, context: { claim, points }, now }) => {
      refuseErased(customer);
      // Read again on every attempt: a concurrent decision makes this one a 409, not a second credit.
      const current = await openClaim(db, principal, claimId);
      const decided: Claim = {
        ...current,
        status: "approved",
        decision: { at: now.toISOString(), staffId: principal.staffId, points, entrySeq: customer.seq + 1 },
        updatedAt: now.toISOString(),
      };
      const manual = {
        points,
        reason:
          claim.match.outcome === "amount_differs" ? ("wrong_amount" as const) : ("missed_scan" as const),
        occurredAt: claim.occurredAt,
        locationId: claim.locationId,
        ...(input.note ? { note: input.note } : {}),
      };
      return {
        entry: manualDraft(principal, manual, { claimId }),
        items: [decisionItem(db, current, decided)],
        result: (entry) => ({ claim: claimView(decided), transaction: transactionView(entry) }),
      };
    },
  });
}

export async function rejectClaim(
  deps: WriteDeps,
  principal: Principal,
  claimId: string,
  input: { reason: string },
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ claim: ClaimView }>> {
  const { db } = deps;
  return runWrite(deps, {
    name: "claims.reject",
    merchantId: principal.merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "claims.reject", { claimId, ...input }),
    load: async () => undefined,
    attempt: async (_, at) => {
      const claim = await openClaim(db, principal, claimId);
      requireLocation(principal, claim.locationId);
      const now = at.toISOString();
      const decided: Claim = {
        ...claim,
        status: "rejected",
        decision: { at: now, staffId: principal.staffId, reason: input.reason },
        updatedAt: now,
      };
      return {
        items: [
          decisionItem(db, claim, decided),
          outboxItem(db, principal.merchantId, claim.customerId, {
            moment: "claim_decided",
            dedupeKey: `claim_decided#${claim.id}`,
            data: { claimId: claim.id, status: "rejected", reason: input.reason },
            createdAt: now,
          }),
        ],
        result: { claim: claimView(decided) },
      };
    },
    onConditionFailed: (name) =>
      name === "claim" ? conflict("This claim was decided meanwhile; reload it.") : undefined,
  });
}
