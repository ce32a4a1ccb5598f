import { DomainError } from "../errors.ts";
import type { Customer } from "../model.ts";

/**
 * Refuses a write that would give an erased member (shared/customers/erase.ts) new points, new personal
 * data or a way to be reached: points would pile up on a record nobody can present any more (the card is
 * void, the barcode released, the portal links revoked), and new contacts or a portal link would undo the
 * erasure. Called where the write already reads the profile, so the check costs no read of its own.
 * Corrections of what was written before the erasure (a purchase return, a refund, a coupon's use) stay
 * allowed: the merchant's accounting must still balance.
 */
export function refuseErased(customer: Pick<Customer, "id" | "erasedAt">): void {
  if (customer.erasedAt === undefined) return;
  throw new DomainError(
    "customer-erased",
    "This customer's personal data was erased: the record is kept for the accounting only and takes no new points, contacts or links.",
    { customerId: customer.id, erasedAt: customer.erasedAt },
  );
}
