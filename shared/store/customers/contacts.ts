import type { ContactField } from "../../customers/contact.ts";
import type { Db } from "../db/client.ts";
import { getItem } from "../db/get-item.ts";
import type { StoredItemType } from "../db/item-types.ts";
import type { NamedItem } from "../db/transact.ts";

/**
 * Unique claims: one item per barcode, phone number and email address of a merchant, naming the customer
 * who holds it. Each is claimed (and released) in the same transaction as the profile, so no two customers
 * of a merchant can ever share one, and a lookup by any of them is a single key read.
 */

const barcodePk = (merchantId: string, barcode: string) => `MERCHANT#${merchantId}#BARCODE#${barcode}`;
const barcodeSk = () => "#BARCODE";
const barcodeKey = (merchantId: string, barcode: string) => ({
  pk: barcodePk(merchantId, barcode),
  sk: barcodeSk(),
});

const contactPk = (merchantId: string, field: ContactField, value: string) =>
  `MERCHANT#${merchantId}#${field === "phone" ? "PHONE" : "EMAIL"}#${value}`;
/** Phone and email claims share this sort key. */
const claimSk = () => "#CLAIM";
const contactKey = (merchantId: string, field: ContactField, value: string) => ({
  pk: contactPk(merchantId, field, value),
  sk: claimSk(),
});

/** The transaction item that claims a phone or email: its failure means another customer holds it. */
export const contactClaimName = (field: ContactField) => `${field}-claim` as const;

/** What a failed item name says: the contact field someone else holds, if it is a claim's. */
export function claimedField(name: string): ContactField | undefined {
  return (["phone", "email"] as const).find((field) => contactClaimName(field) === name);
}

const claimPut = (db: Db, name: string, key: { pk: string; sk: string }, customerId: string): NamedItem => ({
  name,
  item: {
    Put: {
      TableName: db.table,
      Item: { ...key, customerId },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  },
});

/** Claims the barcode ("barcode-claim") for a new member. */
export const barcodeClaim = (db: Db, merchantId: string, barcode: string, customerId: string) =>
  claimPut(db, "barcode-claim", barcodeKey(merchantId, barcode), customerId);

/** Claims a phone number or email ("phone-claim", "email-claim"); fails if another customer holds it. */
export const contactClaim = (
  db: Db,
  merchantId: string,
  customerId: string,
  field: ContactField,
  value: string,
) => claimPut(db, contactClaimName(field), contactKey(merchantId, field, value), customerId);

/** Gives up the customer's former phone or email ("phone-release", "email-release"). */
export function contactRelease(db: Db, merchantId: string, field: ContactField, value: string): NamedItem {
  return {
    name: `${field}-release`,
    item: { Delete: { TableName: db.table, Key: contactKey(merchantId, field, value) } },
  };
}

async function holder(db: Db, key: { pk: string; sk: string }): Promise<string | undefined> {
  const Item = await getItem(db, key);
  return Item?.customerId as string | undefined;
}

/** Who holds this barcode, if anyone. */
export const findCustomerIdByBarcode = (db: Db, merchantId: string, barcode: string) =>
  holder(db, barcodeKey(merchantId, barcode));

/** Who holds this (normalised) phone number or email, if anyone. */
export const findContactHolder = (db: Db, merchantId: string, field: ContactField, value: string) =>
  holder(db, contactKey(merchantId, field, value));

export const STORED_ITEMS = [
  { type: "barcode-claim", sk: "#BARCODE", indexes: [] },
  { type: "phone-claim", sk: "#CLAIM", indexes: [] },
  { type: "email-claim", sk: "#CLAIM", indexes: [] },
] as const satisfies readonly StoredItemType[];
