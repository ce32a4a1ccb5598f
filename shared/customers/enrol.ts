import type { Clock } from "../clock.ts";
import { conflict, notFound } from "../errors.ts";
import type { Idempotency } from "../idempotency.ts";
import { newId, randomCode, randomToken } from "../ids.ts";
import { GENESIS_HASH } from "../ledger/hash-chain.ts";
import { getMerchant } from "../merchants/directory.ts";
import type { Customer } from "../model.ts";
import { welcomeByEmail, welcomeOutbox } from "../notifications/welcome.ts";
import { runWrite, type WriteResult } from "../pipeline/write.ts";
import { qrCodeSvg } from "../qr-code.ts";
import { REFERRAL_CODE_LENGTH, type ReferralInvite, referralAtEnrolment } from "../referrals/join.ts";
import { barcodeClaim, claimedField, contactClaim } from "../store/customers/contacts.ts";
import { nameIndexChanges } from "../store/customers/names.ts";
import { newProfileItem } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { outboxItem } from "../store/notifications/outbox.ts";
import { newPassItem } from "../store/passes.ts";
import { REFERRAL_CODE_CLAIM, referralCodeClaim } from "../store/referrals.ts";
import { type CustomerView, customerView } from "../views.ts";
import { contactTaken, nameTokens, normalizeContact } from "./contact.ts";
import { noWalletLinks, type WalletLinkSigner, type WalletLinks } from "./wallet-links.ts";

export interface Enrolment {
  name: string;
  phone?: string;
  email?: string;
  locale?: "fr" | "en";
  marketingConsent?: boolean;
  /** Asked by the public join page (shared/customers/join.ts); staff enrolments leave it out. */
  transactionalConsent?: boolean;
  /** The merchant's location the customer joined at, already checked to be one of theirs. */
  joinedLocationId?: string;
  /** Fixed values for seeded demo data; generated otherwise. */
  id?: string;
  barcode?: string;
  /** false: no Welcome Moment (the seeded demo members, who never joined). */
  welcome?: boolean;
  /** The member whose code the friend joined with, and the program whose offer applies (shared/referrals/). */
  referredBy?: ReferralInvite;
}

export interface Enrolled {
  customer: CustomerView;
  pass: WalletLinks;
  /**
   * For the staff's app to show as a QR code when the Welcome e-mail will not carry the card (no e-mail,
   * no consent, or the Moment switched off): the member's link and its QR code. null otherwise, or when
   * the caller gave no link maker.
   */
  welcome: { url: string; qrSvg: string } | null;
}

/**
 * Creates the membership with an empty ledger. The barcode, the pass serial, the phone number and the
 * email are claimed in the same transaction, so no two customers of a merchant can ever share one. A
 * phone or email held by another customer is a 409 naming the field; a generated id, barcode or serial
 * that happens to be taken is drawn again on the next attempt.
 */
export async function enrolCustomer(
  deps: {
    db: Db;
    clock: Clock;
    /** Signs the member's wallet links; without it both links are null, as where no wallet is configured. */
    walletLinks?: WalletLinkSigner;
    /** The member's link to show as a QR code when no Welcome e-mail carries it (their portal link). */
    welcomeLink?: (customer: Customer) => Promise<string>;
  },
  merchantId: string,
  enrolment: Enrolment,
  idempotency?: Idempotency,
): Promise<WriteResult<Enrolled>> {
  const { db } = deps;
  return runWrite(deps, {
    name: "customers.create",
    merchantId,
    ...(idempotency ? { idempotency } : {}),
    loadReadsOnly: true,
    load: async () => {
      const merchant = await getMerchant(db, merchantId);
      if (!merchant) throw notFound("Merchant");
      return { merchant, contact: normalizeContact(enrolment, merchant.country) };
    },
    attempt: async ({ merchant, contact }, at) => {
      const now = at.toISOString();
      const id = enrolment.id ?? newId("cus");
      const referral = enrolment.referredBy
        ? await referralAtEnrolment(db, enrolment.referredBy, { merchantId, id }, at)
        : undefined;
      const customer: Customer = {
        merchantId,
        id,
        name: enrolment.name,
        ...(contact.phone ? { phone: contact.phone } : {}),
        ...(contact.email ? { email: contact.email } : {}),
        locale: enrolment.locale ?? (merchant.country === "FR" ? "fr" : "en"),
        marketingConsent: enrolment.marketingConsent ?? false,
        ...(enrolment.transactionalConsent !== undefined
          ? { transactionalConsent: enrolment.transactionalConsent }
          : {}),
        ...(enrolment.joinedLocationId ? { joinedLocationId: enrolment.joinedLocationId } : {}),
        // 20 characters from a 30-letter alphabet: about 98 bits, so barcodes cannot be guessed.
        barcode: enrolment.barcode ?? randomCode(20),
        passSerial: newId("pass"),
        passToken: randomToken(24),
        balance: 0,
        seq: 0,
        headHash: GENESIS_HASH,
        lastVisits: {},
        // Drawn per member, claimed below: a clash is drawn again on the next attempt.
        referralCode: randomCode(REFERRAL_CODE_LENGTH),
        ...(referral?.pending ? { referral: referral.pending } : {}),
        createdAt: now,
        updatedAt: now,
      };
      const welcomeUrl =
        deps.welcomeLink && !welcomeByEmail(merchant, customer)
          ? await deps.welcomeLink(customer)
          : undefined;
      return {
        items: [
          newProfileItem(db, customer),
          barcodeClaim(db, merchantId, customer.barcode, customer.id),
          referralCodeClaim(db, merchantId, customer.referralCode as string, customer.id),
          ...(referral?.items ?? []),
          ...(["phone", "email"] as const).flatMap((field) => {
            const value = customer[field];
            return value === undefined ? [] : [contactClaim(db, merchantId, customer.id, field, value)];
          }),
          newPassItem(db, { serialNumber: customer.passSerial, merchantId, customerId: customer.id }),
          ...nameIndexChanges(db, merchantId, customer.id, [], nameTokens(customer.name)),
          // Written with the membership, so it is sent once whoever enrolled them (staff or the join page).
          ...(enrolment.welcome === false
            ? []
            : [outboxItem(db, merchantId, customer.id, welcomeOutbox(customer.id, now))]),
        ],
        result: {
          customer: customerView(customer),
          pass: await (deps.walletLinks ?? noWalletLinks)(customer, at),
          welcome: welcomeUrl ? { url: welcomeUrl, qrSvg: await qrCodeSvg(welcomeUrl) } : null,
        },
      };
    },
    onConditionFailed: (name) => {
      const field = claimedField(name);
      if (field) return contactTaken(field);
      if (name === REFERRAL_CODE_CLAIM) return undefined;
      // A fixed (seeded) id or barcode is not drawn again: its clash is final.
      if ((name === "customer" && enrolment.id) || (name === "barcode-claim" && enrolment.barcode)) {
        return conflict(`This ${name === "customer" ? "customer id" : "barcode"} is already enrolled.`);
      }
      return undefined;
    },
  });
}
