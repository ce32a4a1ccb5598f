import { createHash } from "node:crypto";

/** Google's LoyaltyObject reference recommends an accountId of at most 20 characters. */
export const MAX_ACCOUNT_ID_LENGTH = 20;

/**
 * The member's account number on the Google pass: the barcode, which staff can type into the scan
 * lookup and which never changes once issued. Every barcode this API issues has 20 characters; an
 * imported longer one becomes 20 hex digits of its SHA-256 (80 bits), as stable as the barcode.
 */
export function googleAccountId(barcode: string): string {
  if (barcode.length > 0 && barcode.length <= MAX_ACCOUNT_ID_LENGTH) return barcode;
  return createHash("sha256").update(barcode).digest("hex").slice(0, MAX_ACCOUNT_ID_LENGTH).toUpperCase();
}
