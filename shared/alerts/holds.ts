import { type Principal, requireLocation } from "../auth/principal.ts";
import { checkOccurredAt } from "../bounds.ts";
import { refuseErased } from "../customers/erased.ts";
import { conflict, forbidden, notFound, ValidationError } from "../errors.ts";
import { creditExpiryPolicy } from "../expiry/credit-policy.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { newId } from "../ids.ts";
import { getLocation, getMerchant } from "../merchants/directory.ts";
import { type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import { runWrite, type WriteDeps, type WriteResult } from "../pipeline/write.ts";
import { holdDecisionItem, newHoldItem, readHold } from "../store/alerts.ts";
import { readCustomer } from "../store/customers/profile.ts";
import { type ManualInput, manualDraft } from "../transactions/manual.ts";
import { type TransactionView, transactionView } from "../views.ts";

/**
 * Hold mode (issue 21, part 3): with `alertRules.holdManualPointsAbove` set, manual points beyond it are not
 * written when asked; the request is kept as a hold until another staff member with `alerts:review`
 * approves it (then the manual entry is written through the ledger pipeline, `refs.holdId` pointing at the
 * hold, in the same transaction as the decision) or rejects it. The requester never approves their own.
 */

export interface Hold {
  id: string;
  merchantId: string;
  customerId: string;
  status: "pending" | "approved" | "rejected";
  /** The manual points as asked, written as asked on approval. */
  request: ManualInput;
  requestedBy: string;
  createdAt: string;
  decision?: { staffId: string; at: string; entrySeq?: number; reason?: string };
}

export function holdView(hold: Hold) {
  return {
    id: hold.id,
    customerId: hold.customerId,
    status: hold.status,
    points: hold.request.points,
    reason: hold.request.reason,
    note: hold.request.note ?? null,
    occurredAt: hold.request.occurredAt ?? null,
    locationId: hold.request.locationId ?? null,
    requestedBy: hold.requestedBy,
    createdAt: hold.createdAt,
    decision: hold.decision
      ? {
          staffId: hold.decision.staffId,
          at: hold.decision.at,
          entrySeq: hold.decision.entrySeq ?? null,
          reason: hold.decision.reason ?? null,
        }
      : null,
  };
}
export type HoldView = ReturnType<typeof holdView>;

/** The merchant's hold limit, if hold mode is on: manual points beyond it (either sign) are held. */
export async function holdLimitOf(deps: WriteDeps, principal: Principal): Promise<number | undefined> {
  const merchant = principal.merchant ?? (await getMerchant(deps.db, principal.merchantId));
  return merchant?.alertRules?.holdManualPointsAbove;
}

/** Keeps the manual points as a pending hold: checked as the manual entry would be, nothing credited. */
export async function holdPoints(
  deps: WriteDeps,
  principal: Principal,
  customerId: string,
  input: ManualInput,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ hold: HoldView }>> {
  const { db } = deps;
  const { merchantId } = principal;
  return runWrite(deps, {
    name: "customers.points.hold",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "customers.points.hold", { customerId, ...input }),
    loadReadsOnly: true,
    load: async () => {
      const [customer, merchant] = await Promise.all([
        readCustomer(db, merchantId, customerId),
        input.occurredAt ? getMerchant(db, merchantId) : undefined,
      ]);
      if (!customer) throw notFound("Customer");
      refuseErased(customer);
      if (input.occurredAt && merchant) checkOccurredAt(input.occurredAt, merchant.createdAt, deps.clock());
      if (input.locationId !== undefined) {
        const location = await getLocation(db, merchantId, input.locationId);
        if (!location) throw ValidationError.field("locationId", "no such location");
        requireLocation(principal, location.id);
      }
    },
    attempt: async (_, now) => {
      const hold: Hold = {
        id: newId("hld", now),
        merchantId,
        customerId,
        status: "pending",
        request: input,
        requestedBy: principal.staffId,
        createdAt: now.toISOString(),
      };
      return { items: [newHoldItem(db, hold)], result: { hold: holdView(hold) } };
    },
  });
}

async function pendingHold(deps: WriteDeps, principal: Principal, holdId: string): Promise<Hold> {
  const hold = await readHold(deps.db, principal.merchantId, holdId);
  if (!hold) throw notFound("Hold");
  if (hold.status !== "pending")
    throw conflict(`This hold was already ${hold.status}.`, { holdStatus: hold.status });
  return hold;
}

const decidedMeanwhile = (name: string) =>
  name === "hold" ? conflict("This hold was decided meanwhile; reload it.") : undefined;

/** Approves a hold: its manual entry written, by its requester's name, with the decision. */
export async function approveHold(
  deps: LedgerDeps,
  principal: Principal,
  holdId: string,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ hold: HoldView; transaction: TransactionView }>> {
  const { db } = deps;
  return ledgerWrite(deps, {
    name: "holds.approve",
    merchantId: principal.merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "holds.approve", { holdId }),
    loadReadsOnly: true,
    load: async () => {
      const hold = await pendingHold(deps, principal, holdId);
      if (hold.requestedBy === principal.staffId) {
        throw forbidden("A hold is approved by another staff member than the one who asked for the points.");
      }
      if (hold.request.locationId) requireLocation(principal, hold.request.locationId);
      const expiry =
        hold.request.points > 0
          ? await creditExpiryPolicy(db, principal.merchantId, hold.request.locationId)
          : undefined;
      return { hold, expiry };
    },
    customerId: ({ hold }) => hold.customerId,
    expiry: ({ expiry }) => expiry,
    plan: async ({ customer, now }) => {
      refuseErased(customer);
      // Read again on every attempt: a concurrent decision makes this one a 409, not a second credit.
      const current = await pendingHold(deps, principal, holdId);
      const decided: Hold = {
        ...current,
        status: "approved",
        decision: { staffId: principal.staffId, at: now.toISOString(), entrySeq: customer.seq + 1 },
      };
      return {
        entry: manualDraft({ ...principal, staffId: current.requestedBy }, current.request, { holdId }),
        items: [holdDecisionItem(db, decided)],
        result: (entry) => ({ hold: holdView(decided), transaction: transactionView(entry) }),
      };
    },
    onConditionFailed: decidedMeanwhile,
  });
}

/** Rejects a hold: nothing is credited. Its requester may withdraw it this way too. */
export async function rejectHold(
  deps: WriteDeps,
  principal: Principal,
  holdId: string,
  input: { reason?: string },
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ hold: HoldView }>> {
  return runWrite(deps, {
    name: "holds.reject",
    merchantId: principal.merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "holds.reject", { holdId, ...input }),
    load: async () => undefined,
    attempt: async (_, now) => {
      const current = await pendingHold(deps, principal, holdId);
      const decided: Hold = {
        ...current,
        status: "rejected",
        decision: {
          staffId: principal.staffId,
          at: now.toISOString(),
          ...(input.reason ? { reason: input.reason } : {}),
        },
      };
      return { items: [holdDecisionItem(deps.db, decided)], result: { hold: holdView(decided) } };
    },
    onConditionFailed: decidedMeanwhile,
  });
}
