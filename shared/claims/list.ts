import type { ClaimStatus } from "../model.ts";
import { readClaimQueue, readCustomerClaims } from "../store/claims.ts";
import type { Db } from "../store/db/client.ts";
import { type ClaimView, claimView } from "./claim.ts";

export interface ClaimPage {
  claims: ClaimView[];
  nextCursor: string | null;
}

/**
 * The merchant's claims in one status: the queue of pending ones oldest first (first come, first served),
 * decided ones newest first. `locationIds` limits them to the locations the reader may act at.
 */
export async function listMerchantClaims(
  db: Db,
  merchantId: string,
  query: { status: ClaimStatus; limit: number; cursor?: string; locationIds: string[] | "*" },
): Promise<ClaimPage> {
  const { locationIds, ...page } = query;
  const { claims, nextCursor } = await readClaimQueue(db, merchantId, page);
  // Filtered here rather than by a FilterExpression, whose IN takes at most 100 values: the page may come
  // out shorter than `limit` either way, and the cursor still moves on.
  const visible = claims.filter((claim) => locationIds === "*" || locationIds.includes(claim.locationId));
  return { claims: visible.map(claimView), nextCursor };
}

/** A customer's own claims, newest first (the most recent hundred). */
export async function listCustomerClaims(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<ClaimView[]> {
  return (await readCustomerClaims(db, merchantId, customerId)).map(claimView);
}
