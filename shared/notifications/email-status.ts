import { createHash } from "node:crypto";
import type { Customer } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { readEmailBounce, saveEmailBounce } from "../store/notifications/email-status.ts";

/**
 * Whether email can reach a customer. A bounce is kept in an item of its own, not on the profile (a
 * profile write updates the pass), with a hash of the address it applies to: a bounce of an address the
 * customer has since replaced never counts against the new one.
 */
export type EmailReach = "ok" | "missing" | "no_consent" | "bounced";

const addressHash = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("hex");

/** What is known of the customer's current address: a bounce, or nothing. */
export async function emailBounced(db: Db, customer: Customer): Promise<boolean> {
  if (!customer.email) return false;
  const bounce = await readEmailBounce(db, customer.merchantId, customer.id);
  return bounce?.addressHash === addressHash(customer.email);
}

/**
 * marketingConsent stands for the customer's consent to email, unless the Moment goes by another one
 * (`consented`: the Welcome e-mail's, shared/notifications/welcome.ts).
 */
export function emailReach(
  customer: Customer,
  bounced: boolean,
  consented: boolean = customer.marketingConsent,
): EmailReach {
  if (!customer.email) return "missing";
  if (bounced) return "bounced";
  return consented ? "ok" : "no_consent";
}

/** SES refused the address for good (`code`, e.g. MessageRejected): it is not written to again until it changes. */
export async function markEmailBounced(db: Db, customer: Customer, code: string, now: Date): Promise<void> {
  if (!customer.email) return;
  await saveEmailBounce(db, customer.merchantId, customer.id, {
    status: "bounced",
    addressHash: addressHash(customer.email),
    reason: code,
    at: now.toISOString(),
  });
}
