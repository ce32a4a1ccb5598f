import { type Principal, requireLocation, requirePermission } from "../auth/principal.ts";
import { ValidationError } from "../errors.ts";
import { creditExpiryPolicy } from "../expiry/credit-policy.ts";
import { idempotencyFrom } from "../idempotency.ts";
import type { TransactItem } from "../idempotent-write.ts";
import { type AppendDeps, type AppendResult, appendEntry } from "../ledger/append.ts";
import { getLocation } from "../merchants/directory.ts";
import type { Customer, EntryRefs } from "../model.ts";
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

/** For an entry that settles something else, e.g. the claim whose approval credits the points. */
export interface ManualLink {
  refs: EntryRefs;
  /** Named in the Idempotency-Key fingerprint, so a key used for one kind of request never replays another. */
  operation: string;
  /** Written in the same transaction, decided from the customer as read; may throw (e.g. already decided). */
  extraItems: (customer: Customer, now: Date) => Promise<TransactItem[]>;
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
  link?: ManualLink,
): Promise<AppendResult<{ transaction: TransactionView }>> {
  requirePermission(principal, "points:adjust");
  const idempotency = idempotencyFrom(idempotencyKey, link?.operation ?? "customers.points", {
    customerId,
    ...input,
    ...(link ? { refs: link.refs } : {}),
  });
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
  const expiry =
    input.points > 0 ? await creditExpiryPolicy(deps.db, principal.merchantId, input.locationId) : undefined;
  return appendEntry(deps, {
    merchantId: principal.merchantId,
    customerId,
    idempotency,
    plan: async (customer, now) => ({
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
        ...(link ? { refs: link.refs } : {}),
      },
      ...(link ? { extraItems: await link.extraItems(customer, now) } : {}),
      expiry,
      respond: (entry) => ({ status: 201, body: { transaction: transactionView(entry) } }),
    }),
  });
}
