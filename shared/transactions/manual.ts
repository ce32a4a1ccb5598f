import { type Principal, requireLocation, requirePermission } from "../auth/principal.ts";
import { ValidationError } from "../errors.ts";
import { creditExpiryPolicy } from "../expiry/credit-policy.ts";
import { idempotencyFrom } from "../idempotency.ts";
import { type AppendDeps, type AppendResult, appendEntry } from "../ledger/append.ts";
import { getLocation } from "../merchants/directory.ts";
import { type TransactionView, transactionView } from "../views.ts";

export const MANUAL_REASONS = ["missed_scan", "wrong_amount", "goodwill", "correction", "other"] as const;
export type ManualReason = (typeof MANUAL_REASONS)[number];

const REASON_WORDS: Record<ManualReason, string> = {
  missed_scan: "missed scan",
  wrong_amount: "wrong amount entered",
  goodwill: "goodwill",
  correction: "correction",
  other: "other",
};

export interface ManualInput {
  points: number;
  reason: ManualReason;
  note?: string;
  /** When the visit or purchase being credited happened; the entry is still appended now. */
  occurredAt?: string;
  locationId?: string;
}

/** How far in the future an occurredAt may be, for clocks that run a little fast. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Points issued or deducted by hand, e.g. for a scan that was missed. Recorded as type "manual" with the
 * staff member, the reason and note; a deduction can never take the balance below zero (409).
 */
export async function adjustPoints(
  deps: AppendDeps,
  principal: Principal,
  customerId: string,
  input: ManualInput,
  idempotencyKey: string | undefined,
): Promise<AppendResult<{ transaction: TransactionView }>> {
  requirePermission(principal, "points:adjust");
  const idempotency = idempotencyFrom(idempotencyKey, "customers.points", { customerId, ...input });
  if (input.occurredAt && Date.parse(input.occurredAt) > deps.clock().getTime() + CLOCK_SKEW_MS) {
    throw ValidationError.field("occurredAt", "cannot be in the future");
  }
  if (input.locationId !== undefined) {
    const location = await getLocation(deps.db, principal.merchantId, input.locationId);
    if (!location) throw ValidationError.field("locationId", "no such location");
    requireLocation(principal, location.id);
  }
  const verb = input.points > 0 ? "Issued" : "Deducted";
  const when = input.occurredAt ? ` for ${input.occurredAt.slice(0, 10)}` : "";
  const explanation = `${verb} by hand${when}: ${input.points > 0 ? "+" : "−"}${Math.abs(input.points)} points (${REASON_WORDS[input.reason]})`;
  const expiry = input.points > 0 ? await creditExpiryPolicy(deps.db, principal.merchantId, input.locationId) : undefined;
  return appendEntry(deps, {
    merchantId: principal.merchantId,
    customerId,
    idempotency,
    plan: () => ({
      entry: {
        type: "manual",
        points: input.points,
        staffId: principal.staffId,
        ...(input.locationId ? { locationId: input.locationId } : {}),
        inputs: {},
        explanation,
        reason: input.reason,
        ...(input.note ? { note: input.note } : {}),
        ...(input.occurredAt ? { occurredAt: new Date(input.occurredAt).toISOString() } : {}),
      },
      expiry,
      respond: (entry) => ({ status: 201, body: { transaction: transactionView(entry) } }),
    }),
  });
}
