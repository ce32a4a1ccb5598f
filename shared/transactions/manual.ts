import { type Principal, requireLocation } from "../auth/principal.ts";
import { checkOccurredAt } from "../bounds.ts";
import { refuseErased } from "../customers/erased.ts";
import { notFound, ValidationError } from "../errors.ts";
import { creditExpiryPolicy } from "../expiry/credit-policy.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { noteAttributes } from "../ledger/hash-chain.ts";
import { getLocation, getMerchant } from "../merchants/directory.ts";
import type { EntryRefs } from "../model.ts";
import { type EntryDraft, type LedgerDeps, ledgerWrite } from "../pipeline/ledger-write.ts";
import type { WriteResult } from "../pipeline/write.ts";
import { type TransactionView, transactionView } from "../views.ts";

export const MANUAL_REASONS = ["missed_scan", "wrong_amount", "goodwill", "correction", "other"] as const;
export type ManualReason = (typeof MANUAL_REASONS)[number];

export interface ManualInput {
  points: number;
  reason: ManualReason;
  note?: string;
  /** When the visit or purchase being credited happened; the entry is still appended now. */
  occurredAt?: string;
  locationId?: string;
}

/** The entry of points issued or deducted by hand; a claim's approval writes the same. */
export function manualDraft(principal: Principal, input: ManualInput, refs?: EntryRefs): EntryDraft {
  return {
    type: "manual",
    points: input.points,
    staffId: principal.staffId,
    ...(input.locationId ? { locationId: input.locationId } : {}),
    inputs: {},
    reason: input.reason,
    ...(input.note ? noteAttributes(input.note) : {}),
    ...(input.occurredAt ? { occurredAt: new Date(input.occurredAt).toISOString() } : {}),
    ...(refs ? { refs } : {}),
  };
}

/**
 * Points issued or deducted by hand, e.g. for a scan that was missed. Recorded as type "manual" with the
 * staff member, the reason and note; a deduction can never take the balance below zero (409).
 */
export async function adjustPoints(
  deps: LedgerDeps,
  principal: Principal,
  customerId: string,
  input: ManualInput,
  idempotencyKey: string | undefined,
): Promise<WriteResult<{ transaction: TransactionView }>> {
  const { db } = deps;
  const { merchantId } = principal;
  return ledgerWrite(deps, {
    name: "customers.points",
    merchantId,
    idempotency: idempotencyFrom(idempotencyKey, "customers.points", { customerId, ...input }),
    loadReadsOnly: true,
    load: async () => {
      if (input.occurredAt) {
        const merchant = await getMerchant(db, merchantId);
        if (!merchant) throw notFound("Merchant");
        checkOccurredAt(input.occurredAt, merchant.createdAt, deps.clock());
      }
      if (input.locationId !== undefined) {
        const location = await getLocation(db, merchantId, input.locationId);
        if (!location) throw ValidationError.field("locationId", "no such location");
        requireLocation(principal, location.id);
      }
      return input.points > 0 ? await creditExpiryPolicy(db, merchantId, input.locationId) : undefined;
    },
    customerId: () => customerId,
    expiry: (policy) => policy,
    plan: ({ customer }) => {
      refuseErased(customer);
      return {
        entry: manualDraft(principal, input),
        result: (entry) => ({ transaction: transactionView(entry) }),
      };
    },
  });
}
