import { setTimeout as sleep } from "node:timers/promises";
import { AWS_UNAVAILABLE_RETRY_AFTER_SECONDS } from "../budgets.ts";
import { UnavailableError, ValidationError } from "../errors.ts";
import type { SigningDeps } from "../keys/signing-keys.ts";
import { logger } from "../logger.ts";
import type { Merchant } from "../model.ts";
import { MailerError } from "../notifications/mailer.ts";
import { SmsError } from "../notifications/sms-sender.ts";
import { portalLink } from "../portal/access.ts";
import type { ContactChannels } from "../portal/contact-change.ts";
import { findContactHolder } from "../store/customers/contacts.ts";
import { readCustomer } from "../store/customers/profile.ts";
import { cardEmail, cardSms } from "./card-request-message.ts";
import { type ContactField, normalizeContact } from "./contact.ts";
import { countJoinRequestForContact, countJoinRequestFromIp } from "./join-limits.ts";
import { joinableMerchant } from "./join-merchant.ts";
import { noWalletLinks, type WalletLinkSigner } from "./wallet-links.ts";

/**
 * "Find my card": a member gets their card again at the address they joined with — fresh wallet links and
 * a portal link — without anyone learning whether the address has a card. The answer is the same either
 * way (the handler's 202), and takes at least CARD_REQUEST_MIN_MS, so that looking the address up and
 * sending to it does not show in the time the answer takes either.
 */

export interface CardDeliveryDeps extends SigningDeps {
  /** How to reach an address: e-mail (SES) and text messages, where this deployment has them. */
  channels: ContactChannels;
  /** Signs the wallet links; without it the message holds the portal link alone. */
  walletLinks?: WalletLinkSigner;
  /** The API's public base URL, which the links point at. */
  apiBaseUrl: string;
}

/** A normalised e-mail address or phone number. */
export interface ContactAddress {
  field: ContactField;
  value: string;
}

/** What became of a card sent to an address. */
export type CardDelivery = "sent" | "no_member" | "no_channel" | "rejected";

/** The page a member asks for their card from; also named in the message, for a fresh Apple link later. */
export const findCardUrl = (apiBaseUrl: string, merchantId: string) =>
  `${apiBaseUrl.replace(/\/+$/, "")}/join/${encodeURIComponent(merchantId)}/card`;

/**
 * Sends the member who holds `address` their card, to that address. The portal link is made for the
 * membership's current portal version, so every link made before keeps working. A transient failure to
 * send is "unavailable" (503, retry); an address the provider refuses is "rejected", as retrying is pointless.
 */
export async function sendCard(
  deps: CardDeliveryDeps,
  merchant: Merchant,
  customerId: string,
  address: ContactAddress,
): Promise<CardDelivery> {
  const customer = await readCustomer(deps.db, merchant.id, customerId);
  // The claim can outlive a contact change by a moment: only the address on the profile gets the card.
  if (!customer || customer[address.field] !== address.value) return "no_member";
  const { mailer, sms } = deps.channels;
  if (address.field === "email" ? !mailer : !sms) {
    logger.warn("card not sent: no channel for this kind of address", {
      merchantId: merchant.id,
      customerId,
      field: address.field,
    });
    return "no_channel";
  }
  const now = deps.clock();
  const member = { merchantId: merchant.id, customerId };
  const [wallet, portalUrl] = await Promise.all([
    (deps.walletLinks ?? noWalletLinks)(customer, now),
    portalLink(deps, deps.apiBaseUrl, member),
  ]);
  const context = {
    locale: customer.locale,
    merchantName: merchant.name,
    ...wallet,
    portalUrl,
    againUrl: findCardUrl(deps.apiBaseUrl, merchant.id),
  };
  try {
    if (address.field === "email") {
      await mailer?.send({
        to: address.value,
        fromName: merchant.name,
        ...cardEmail(context),
        tags: { purpose: "card_request", merchant: merchant.id, customer: customerId },
      });
    } else {
      await sms?.send({ to: address.value, text: cardSms(context) });
    }
  } catch (error) {
    if (!(error instanceof MailerError || error instanceof SmsError)) throw error;
    logger.warn("card not sent", { merchantId: merchant.id, customerId, errorName: error.code });
    if (error.rejected) return "rejected";
    throw new UnavailableError(
      "The card could not be sent; retry shortly.",
      AWS_UNAVAILABLE_RETRY_AFTER_SECONDS,
    );
  }
  logger.info("card sent", { merchantId: merchant.id, customerId, field: address.field });
  return "sent";
}

/** A find-my-card answer never comes sooner than this: the lookup and the send fit in it. */
export const CARD_REQUEST_MIN_MS = 800;

export interface CardRequest {
  merchantId: string;
  /** Exactly one of the two, as typed. */
  email?: string;
  phone?: string;
  sourceIp: string;
}

/** The one contact of a card request, normalised (a 400 for one that cannot be an address). */
function requestedAddress(request: CardRequest, country: string): ContactAddress {
  const contact = normalizeContact({ email: request.email, phone: request.phone }, country);
  if (contact.email) return { field: "email", value: contact.email };
  if (contact.phone) return { field: "phone", value: contact.phone };
  throw ValidationError.field("email", "give the e-mail address or the phone number you joined with");
}

/**
 * Sends the card to its member if the address has one; otherwise does nothing. Returns when the
 * answer may go, never sooner than `minAnswerMs` after the request was counted. Only the rate limits
 * (429), an unknown merchant (404) or a malformed address (400) answer otherwise, and none of them
 * depends on whether the address is known.
 */
export async function requestCard(
  deps: CardDeliveryDeps & { minAnswerMs?: number },
  request: CardRequest,
): Promise<void> {
  const started = Date.now();
  await countJoinRequestFromIp(deps.db, request.sourceIp, deps.clock());
  const merchant = await joinableMerchant(deps.db, request.merchantId);
  const address = requestedAddress(request, merchant.country);
  await countJoinRequestForContact(deps.db, merchant.id, address.field, address.value, deps.clock());
  try {
    const holder = await findContactHolder(deps.db, merchant.id, address.field, address.value);
    if (holder) await sendCard(deps, merchant, holder, address);
  } catch (error) {
    // Answered like any other request: a failure only the address's owner could notice tells nobody else.
    logger.error("card request not delivered", {
      merchantId: merchant.id,
      field: address.field,
      errorName: error instanceof Error ? error.name : "Error",
    });
  }
  const left = (deps.minAnswerMs ?? CARD_REQUEST_MIN_MS) - (Date.now() - started);
  if (left > 0) await sleep(left);
}
