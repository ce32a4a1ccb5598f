import { DomainError } from "../errors.ts";
import type { Idempotency } from "../idempotency.ts";
import type { Locale } from "../ledger/entry-types.ts";
import { logger } from "../logger.ts";
import { getLocation } from "../merchants/directory.ts";
import type { Merchant } from "../model.ts";
import { runWrite, type WriteResult } from "../pipeline/write.ts";
import { portalLink } from "../portal/access.ts";
import { inviteOf, type ReferralInvite, refusedAtJoin } from "../referrals/join.ts";
import { findContactHolder } from "../store/customers/contacts.ts";
import type { CustomerView } from "../views.ts";
import { type CardDeliveryDeps, type ContactAddress, sendCard } from "./card-request.ts";
import { type ContactField, normalizeContact } from "./contact.ts";
import { type Enrolled, enrolCustomer } from "./enrol.ts";
import { countJoinRequestForContact, countJoinRequestFromIp } from "./join-limits.ts";
import { joinableMerchant } from "./join-merchant.ts";
import type { WalletLinks } from "./wallet-links.ts";

/**
 * A customer joins a merchant by themselves (the join page, shared by a QR code at the counter), through
 * the same enrolment as staff's, whose contact claims make a second membership for an e-mail or phone
 * impossible. An address that already has a card is not shown that card: it is sent to the address, and
 * the answer says only that it was sent, so typing someone's address reveals nothing of their membership.
 */

export interface JoinRequest {
  merchantId: string;
  name: string;
  /** At least one of the two, as typed; normalised here (the merchant's country for phone numbers). */
  email?: string;
  phone?: string;
  locale: Locale;
  consents: { transactional: boolean; marketing: boolean };
  /** The location of the join link; recorded when it is one of the merchant's, ignored otherwise. */
  locationId?: string;
  /** A member's referral code (the join link's `?ref=`); one that is no member's is ignored. */
  referralCode?: string;
  sourceIp: string;
}

export type JoinResult =
  | { status: "joined"; customer: CustomerView; pass: WalletLinks; portalUrl: string }
  | { status: "sent"; detail: string };

/** Stored under the Idempotency-Key of a join whose address already had a card, and replayed as it is. */
const SENT = {
  status: "sent",
  detail:
    "This e-mail address or phone number already has a card here: it was sent to that address, not shown here.",
} as const;

type Stored = Enrolled | typeof SENT;
const isSent = (stored: Stored): stored is typeof SENT => "status" in stored && stored.status === "sent";

/**
 * Idempotency keys live in the merchant's key space, which staff writes share: a public key is set apart
 * by a prefix no client key can hold (a space: keys are visible ASCII), so a stranger can neither replay
 * nor block a till's key.
 */
const publicKey = (idempotency: Idempotency): Idempotency => ({
  ...idempotency,
  key: `join ${idempotency.key}`,
});

/** The e-mail and phone a request names, normalised, e-mail first: where the card goes if both are held. */
function addressesOf(contact: { email?: string | null; phone?: string | null }): ContactAddress[] {
  return (["email", "phone"] as const satisfies readonly ContactField[]).flatMap((field) => {
    const value = contact[field];
    return value ? [{ field, value }] : [];
  });
}

const contactTaken = (error: unknown) =>
  error instanceof DomainError &&
  error.kind === "conflict" &&
  (error.details.field === "email" || error.details.field === "phone");

export async function joinMerchant(
  deps: CardDeliveryDeps,
  request: JoinRequest,
  idempotency: Idempotency,
): Promise<WriteResult<JoinResult>> {
  const { db } = deps;
  const { merchantId } = request;
  await countJoinRequestFromIp(db, request.sourceIp, deps.clock());
  const merchant = await joinableMerchant(db, merchantId);
  const addresses = addressesOf(normalizeContact(request, merchant.country));
  for (const address of addresses) {
    await countJoinRequestForContact(db, merchantId, address.field, address.value, deps.clock());
  }
  const location = request.locationId ? await getLocation(db, merchantId, request.locationId) : undefined;
  const invite = request.referralCode
    ? await inviteOf(db, merchantId, request.referralCode, location?.programId)
    : undefined;
  const key = publicKey(idempotency);
  try {
    const enrolled = await enrolCustomer(
      deps,
      merchantId,
      {
        name: request.name,
        ...(request.email !== undefined ? { email: request.email } : {}),
        ...(request.phone !== undefined ? { phone: request.phone } : {}),
        locale: request.locale,
        marketingConsent: request.consents.marketing,
        transactionalConsent: request.consents.transactional,
        ...(location ? { joinedLocationId: location.id } : {}),
        ...(invite ? { referredBy: invite } : {}),
      },
      key,
    );
    // The stored result of this key may be a card sent on an earlier try (below).
    const stored = enrolled.result as Stored;
    if (isSent(stored)) return { result: SENT, replayed: true };
    // Made afresh on a replay too: any link of the current portal version is as good as the first.
    const portalUrl = await portalLink(deps, deps.apiBaseUrl, { merchantId, customerId: stored.customer.id });
    // The member is on their own phone: the card itself, not the staff app's QR code of it.
    const { customer, pass } = stored;
    return { result: { status: "joined", customer, pass, portalUrl }, replayed: enrolled.replayed };
  } catch (error) {
    if (!contactTaken(error)) throw error;
  }
  const holders = await sendToHolders(deps, merchant, addresses);
  // Recorded after sending, so a retry of this key (the page resends after a timeout) sends nothing twice.
  return runWrite(deps, {
    name: "join.sent",
    merchantId,
    idempotency: key,
    loadReadsOnly: true,
    load: async () => undefined,
    attempt: async (_, at) => ({
      items: refusedReferral(deps, invite, holders, at),
      result: SENT as JoinResult,
    }),
  });
}

/** A code used with a contact that has a card already: refused, recorded once with the "sent" answer. */
function refusedReferral(
  deps: CardDeliveryDeps,
  invite: ReferralInvite | undefined,
  holders: string[],
  at: Date,
) {
  const [holder] = invite && holders.includes(invite.referrer.id) ? [invite.referrer.id] : holders;
  return invite && holder ? refusedAtJoin(deps.db, invite, holder, at) : [];
}

/** Each member holding one of the addresses gets their card at it, once, e-mail first; their ids. */
async function sendToHolders(
  deps: CardDeliveryDeps,
  merchant: Merchant,
  addresses: ContactAddress[],
): Promise<string[]> {
  const holders = await Promise.all(
    addresses.map(async (address) => ({
      address,
      customerId: await findContactHolder(deps.db, merchant.id, address.field, address.value),
    })),
  );
  const served = new Set<string>();
  for (const { address, customerId } of holders) {
    if (!customerId || served.has(customerId)) continue;
    served.add(customerId);
    const outcome = await sendCard(deps, merchant, customerId, address);
    logger.info("join for an address that has a card", { merchantId: merchant.id, customerId, outcome });
  }
  return [...served];
}
