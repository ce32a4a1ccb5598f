import { type Principal, requireLocation, requirePermission } from "../auth/principal.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { conflict, notFound, ValidationError } from "../errors.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { type IdempotentResult, idempotentWrite } from "../idempotent-write.ts";
import type { AppendDeps, AppendResult } from "../ledger/append.ts";
import type { Claim } from "../model.ts";
import { outboxItem } from "../notifications/outbox.ts";
import { adjustPoints } from "../transactions/manual.ts";
import type { TransactionView } from "../views.ts";
import { type ClaimView, claimView, decisionItem, getClaim, OPEN_STATUSES } from "./store.ts";

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
    throw conflict(`This claim was already ${claim.status}.`, { status: claim.status });
  }
  return claim;
}

export async function approveClaim(
  deps: AppendDeps,
  principal: Principal,
  claimId: string,
  input: { points?: number; note?: string },
  idempotencyKey: string | undefined,
): Promise<AppendResult<{ claim: ClaimView; transaction: TransactionView }>> {
  requirePermission(principal, "claims:review");
  const claim = await getClaim(deps.db, principal.merchantId, claimId);
  if (!claim) throw notFound("Claim");
  const points = input.points ?? claim.match.proposal?.points;
  if (points === undefined) {
    throw ValidationError.field("points", "nothing is proposed for this claim: give the points to credit");
  }
  const result = await adjustPoints(
    deps,
    principal,
    claim.customerId,
    {
      points,
      reason: claim.match.outcome === "amount_differs" ? "wrong_amount" : "missed_scan",
      occurredAt: claim.occurredAt,
      locationId: claim.locationId,
      ...(input.note ? { note: input.note } : {}),
    },
    idempotencyKey,
    {
      refs: { claimId },
      operation: "claims.approve",
      // Read again on every attempt: a concurrent decision makes this one a 409, not a second credit.
      extraItems: async (customer, now) => {
        const current = await openClaim(deps.db, principal, claimId);
        const decided: Claim = {
          ...current,
          status: "approved",
          decision: { at: now.toISOString(), staffId: principal.staffId, points, entrySeq: customer.seq + 1 },
          updatedAt: now.toISOString(),
        };
        return [decisionItem(deps.db, current, decided)];
      },
    },
  );
  const decided = await getClaim(deps.db, principal.merchantId, claimId);
  return { ...result, body: { claim: claimView(decided ?? claim), transaction: result.body.transaction } };
}

export async function rejectClaim(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  claimId: string,
  input: { reason: string },
  idempotencyKey: string | undefined,
): Promise<IdempotentResult<{ claim: ClaimView }>> {
  requirePermission(principal, "claims:review");
  const idempotency = idempotencyFrom(idempotencyKey, "claims.reject", { claimId, ...input });
  const { db } = deps;
  return idempotentWrite(deps, {
    merchantId: principal.merchantId,
    idempotency,
    plan: async (at) => {
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
        response: { status: 200, body: { claim: claimView(decided) } },
      };
    },
    onConditionFailed: (index) =>
      index === 0 ? conflict("This claim was decided meanwhile; reload it.") : undefined,
  });
}
