import { type WalletLinks, walletLinks } from "../../passes/download-links.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { barcodePk, barcodeSk, customerPk, passPk, passSk, profileSk } from "../db/keys.ts";
import { notFound } from "../errors.ts";
import type { Idempotency } from "../idempotency.ts";
import { type IdempotentResult, idempotentWrite, type TransactItem } from "../idempotent-write.ts";
import { newId, randomCode, randomToken } from "../ids.ts";
import { GENESIS_HASH } from "../ledger/hash-chain.ts";
import { getMerchant } from "../merchants/directory.ts";
import type { Customer } from "../model.ts";
import { type CustomerView, customerView } from "../views.ts";
import { contactTaken, normalizeContact } from "./contact.ts";
import { type ContactField, claimContact, renameItems } from "./index-items.ts";

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

/**
 * Creates the membership with an empty ledger. The barcode, the pass serial, the phone number and the
 * email are claimed in the same transaction, so no two customers of a merchant can ever share one.
 */
export async function enrolCustomer(
  deps: { db: Db; clock: Clock },
  merchantId: string,
  enrolment: Enrolment,
  idempotency?: Idempotency,
): Promise<IdempotentResult<{ customer: CustomerView; pass: WalletLinks }>> {
  const { db } = deps;
  const merchant = await getMerchant(db, merchantId);
  if (!merchant) throw notFound("Merchant");
  const contact = normalizeContact(enrolment, merchant.country);
  let contactItems: ContactField[] = [];
  return idempotentWrite(deps, {
    merchantId,
    idempotency,
    plan: async (at) => {
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
      const put = (Item: Record<string, unknown>): TransactItem => ({
        Put: { TableName: db.table, Item, ConditionExpression: "attribute_not_exists(pk)" },
      });
      contactItems = (["phone", "email"] as const).filter((field) => customer[field] !== undefined);
      return {
        items: [
          ...contactItems.map((field) =>
            claimContact(db, merchantId, customer.id, field, customer[field] as string),
          ),
          put({ pk: customerPk(merchantId, customer.id), sk: profileSk(), ...customer }),
          put({ pk: barcodePk(merchantId, customer.barcode), sk: barcodeSk(), customerId: customer.id }),
          put({ pk: passPk(customer.passSerial), sk: passSk(), merchantId, customerId: customer.id }),
          ...renameItems(db, merchantId, customer.id, undefined, customer.name),
        ],
        response: {
          status: 201,
          body: { customer: customerView(customer), pass: await walletLinks(customer, at) },
        },
      };
    },
    onConditionFailed: (index) => {
      const field = contactItems[index];
      return field ? contactTaken(field) : undefined;
    },
  });
}
