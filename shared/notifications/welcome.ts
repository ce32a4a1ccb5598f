import { momentEnabled } from "../merchants/settings.ts";
import type { Customer, Merchant } from "../model.ts";
import type { OutboxNotification } from "./outbox.ts";

/**
 * The Welcome Moment: a new member's card (both wallet links) and portal link, e-mailed once. Keyed on
 * the membership, not on the request: however often enrolment is retried or replayed, the outbox item
 * `NOTIFY#welcome:<customerId>` is written once, in the enrolment's own transaction.
 */
export const welcomeDedupeKey = (customerId: string) => `welcome:${customerId}`;

export function welcomeOutbox(customerId: string, createdAt: string): OutboxNotification {
  return { moment: "welcome", dedupeKey: welcomeDedupeKey(customerId), data: {}, createdAt };
}

/** What the Welcome e-mail links to, made when it is sent. */
export interface MemberLinks {
  /** null where this deployment has no Apple pass type (or no link key). */
  appleWalletUrl: string | null;
  googleWalletUrl: string | null;
  portalUrl: string;
}

type Consents = Pick<Customer, "marketingConsent" | "transactionalConsent">;

/**
 * Whether the member agreed to an e-mail of this Moment, and whether it is optional (then it carries the
 * one-click unsubscribe link). The welcome goes on the consent to messages about the card, which the join
 * page asks; a member enrolled by staff was not asked it, and their marketing consent, which every other
 * Moment e-mail goes by, decides. Sent on the card consent, it is the message the member asked for by
 * joining, as a contact confirmation is: no unsubscribe link, which would withdraw another consent.
 */
export function emailConsent(moment: string, customer: Consents): { consented: boolean; optional: boolean } {
  if (moment === "welcome" && customer.transactionalConsent !== undefined) {
    return { consented: customer.transactionalConsent, optional: false };
  }
  return { consented: customer.marketingConsent, optional: true };
}

/**
 * Whether the Welcome e-mail is on its way to a new member (its bounce state aside, unknown at
 * enrolment). When it is not, the staff's app shows the member's link as a QR code instead.
 */
export function welcomeByEmail(
  merchant: Pick<Merchant, "moments">,
  customer: Pick<Customer, "email"> & Consents,
): boolean {
  return (
    momentEnabled(merchant, "welcome") &&
    customer.email !== undefined &&
    emailConsent("welcome", customer).consented
  );
}
