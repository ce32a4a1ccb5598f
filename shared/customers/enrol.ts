import type { Clock } from "../clock.ts";
import { conflict, notFound } from "../errors.ts";
import type { Idempotency } from "../idempotency.ts";
import { newId, randomCode, randomToken } from "../ids.ts";
import { GENESIS_HASH } from "../ledger/hash-chain.ts";
import { getMerchant } from "../merchants/directory.ts";
import type { Customer } from "../model.ts";
import { runWrite, type WriteResult } from "../pipeline/write.ts";
import { barcodeClaim, claimedField, contactClaim } from "../store/customers/contacts.ts";
import { nameIndexChanges } from "../store/customers/names.ts";
import { newProfileItem } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { newPassItem } from "../store/passes.ts";
import { type CustomerView, customerView } from "../views.ts";
import { contactTaken, nameTokens, normalizeContact } from "./contact.ts";
import { noWalletLinks, type WalletLinkSigner, type WalletLinks } from "./wallet-links.ts";

export interface Enrolment {
  name: string;
  phone?: string;
  email?: string;
  locale?: "fr" | "en";
  marketingConsent?: boolean;
  /** Fixed values for seeded demo data; generated otherwise. */
  id?: string;
  barcode?: string;
}

export interface Enrolled {
  customer: CustomerView;
  pass: WalletLinks;
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
      const customer: Customer = {
        merchantId,
        id: enrolment.id ?? newId("cus"),
        name: enrolment.name,
        ...(contact.phone ? { phone: contact.phone } : {}),
        ...(contact.email ? { email: contact.email } : {}),
        locale: enrolment.locale ?? (merchant.country === "FR" ? "fr" : "en"),
        marketingConsent: enrolment.marketingConsent ?? false,
        // 20 characters from a 30-letter alphabet: about 98 bits, so barcodes cannot be guessed.
        barcode: enrolment.barcode ?? randomCode(20),
        passSerial: newId("pass"),
        passToken: randomToken(24),
        balance: 0,
        seq: 0,
        headHash: GENESIS_HASH,
        lastVisits: {},
        createdAt: now,
        updatedAt: now,
      };
      return {
        items: [
          newProfileItem(db, customer),
          barcodeClaim(db, merchantId, customer.barcode, customer.id),
          ...(["phone", "email"] as const).flatMap((field) => {
            const value = customer[field];
            return value === undefined ? [] : [contactClaim(db, merchantId, customer.id, field, value)];
          }),
          newPassItem(db, { serialNumber: customer.passSerial, merchantId, customerId: customer.id }),
          ...nameIndexChanges(db, merchantId, customer.id, [], nameTokens(customer.name)),
        ],
        result: {
          customer: customerView(customer),
          pass: await (deps.walletLinks ?? noWalletLinks)(customer, at),
        },
      };
    },
    onConditionFailed: (name) => {
      const field = claimedField(name);
      if (field) return contactTaken(field);
      // A fixed (seeded) id or barcode is not drawn again: its clash is final.
      if ((name === "customer" && enrolment.id) || (name === "barcode-claim" && enrolment.barcode)) {
        return conflict(`This ${name === "customer" ? "customer id" : "barcode"} is already enrolled.`);
      }
      return undefined;
    },
  });
}
