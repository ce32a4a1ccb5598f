import { ValidationError } from "../errors.ts";
import type { Claim, ClaimStatus } from "../model.ts";

/** A claim's statuses, its receipt number's normal form, and what clients see of it (stored by shared/store/claims.ts). */

export const CLAIM_STATUSES = [
  "pending",
  "already_credited",
  "approved",
  "rejected",
] as const satisfies readonly ClaimStatus[];

/** Staff may still decide these; an automatic match can be wrong (two purchases of one amount in an hour). */
export const OPEN_STATUSES: readonly ClaimStatus[] = ["pending", "already_credited"];

/**
 * Receipt numbers are compared without case or spaces ("a-12 34" is "A-1234"), per location: two shops of
 * one merchant may number their receipts alike.
 */
export function normalizeReceipt(receipt: string): string {
  const normalized = receipt.toUpperCase().replace(/\s+/g, "");
  if (!/^[A-Z0-9./_-]{1,64}$/.test(normalized)) {
    throw ValidationError.field("receiptNumber", "must be letters, digits, spaces and . / _ - only");
  }
  return normalized;
}

/** What clients see: explicit fields only. */
export function claimView(claim: Claim) {
  return {
    id: claim.id,
    customerId: claim.customerId,
    status: claim.status,
    occurredAt: claim.occurredAt,
    locationId: claim.locationId,
    amount: claim.amount ?? null,
    currency: claim.currency ?? null,
    receiptNumber: claim.receiptNumber ?? null,
    description: claim.description,
    match: claim.match,
    decision: claim.decision ?? null,
    createdAt: claim.createdAt,
    updatedAt: claim.updatedAt,
  };
}

export type ClaimView = ReturnType<typeof claimView>;
