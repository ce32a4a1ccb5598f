import type { Db } from "../db/client.ts";
import { claimSk, emailPk, nameIndexPk, nameIndexSk, phonePk } from "../db/keys.ts";
import type { TransactItem } from "../idempotent-write.ts";
import { nameTokens } from "./contact.ts";

/**
 * The items that make a customer findable and its contact details unique within the merchant. They are
 * written and removed in the same transaction as the profile, so the indexes never disagree with it.
 */

export type ContactField = "phone" | "email";

const claimKey = (merchantId: string, field: ContactField, value: string) => ({
  pk: field === "phone" ? phonePk(merchantId, value) : emailPk(merchantId, value),
  sk: claimSk(),
});

/** Claims a phone number or email for one customer; fails its condition if another customer holds it. */
export function claimContact(
  db: Db,
  merchantId: string,
  customerId: string,
  field: ContactField,
  value: string,
): TransactItem {
  return {
    Put: {
      TableName: db.table,
      Item: { ...claimKey(merchantId, field, value), customerId },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

export function releaseContact(db: Db, merchantId: string, field: ContactField, value: string): TransactItem {
  return { Delete: { TableName: db.table, Key: claimKey(merchantId, field, value) } };
}

export function indexName(db: Db, merchantId: string, customerId: string, token: string): TransactItem {
  return {
    Put: {
      TableName: db.table,
      Item: { pk: nameIndexPk(merchantId), sk: nameIndexSk(token, customerId), customerId },
    },
  };
}

export function unindexName(db: Db, merchantId: string, customerId: string, token: string): TransactItem {
  return {
    Delete: { TableName: db.table, Key: { pk: nameIndexPk(merchantId), sk: nameIndexSk(token, customerId) } },
  };
}

/** The index changes that take a customer from one name to another; words in both stay as they are. */
export function renameItems(
  db: Db,
  merchantId: string,
  customerId: string,
  from: string | undefined,
  to: string,
): TransactItem[] {
  const before = new Set(from === undefined ? [] : nameTokens(from));
  const after = new Set(nameTokens(to));
  return [
    ...[...before].filter((t) => !after.has(t)).map((t) => unindexName(db, merchantId, customerId, t)),
    ...[...after].filter((t) => !before.has(t)).map((t) => indexName(db, merchantId, customerId, t)),
  ];
}
