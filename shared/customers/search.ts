import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet } from "../db/batch-get.ts";
import type { Db } from "../db/client.ts";
import { claimSk, customerPk, emailPk, nameIndexPk, phonePk, profileSk } from "../db/keys.ts";
import { queryAll } from "../db/query-all.ts";
import { getMerchant } from "../merchants/directory.ts";
import type { Customer } from "../model.ts";
import { foldText, looksLikePhone, nameTokens, normalizeEmail, normalizePhone } from "./contact.ts";

/** How many name-index rows one search reads at most; a prefix that matches more is too vague to page through. */
const NAME_SCAN_LIMIT = 200;

/**
 * Finds a merchant's customers by phone (any common formatting), email (any case) or name prefix
 * (any case, with or without accents). Every path is a key lookup or a prefix query on an index; none scans.
 */
export async function searchCustomers(
  db: Db,
  merchantId: string,
  query: string,
  limit: number,
): Promise<Customer[]> {
  const q = query.trim();
  let ids: string[];
  if (q.includes("@")) {
    const email = normalizeEmail(q);
    ids = email ? await claimedBy(db, emailPk(merchantId, email)) : [];
  } else if (looksLikePhone(q)) {
    const merchant = await getMerchant(db, merchantId);
    const phone = merchant ? normalizePhone(q, merchant.country) : undefined;
    ids = phone ? await claimedBy(db, phonePk(merchantId, phone)) : [];
  } else {
    return searchByName(db, merchantId, q, limit);
  }
  return loadCustomers(db, merchantId, ids);
}

async function claimedBy(db: Db, pk: string): Promise<string[]> {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key: { pk, sk: claimSk() } }));
  return Item ? [Item.customerId as string] : [];
}

async function searchByName(db: Db, merchantId: string, q: string, limit: number): Promise<Customer[]> {
  const wanted = nameTokens(q);
  if (wanted.length === 0) return [];
  // Query by the longest word (the most selective prefix); the others are checked on the names found.
  const pivot = [...wanted].sort((a, b) => b.length - a.length)[0] as string;
  const rows = await queryAll(
    db,
    {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": nameIndexPk(merchantId), ":prefix": pivot },
      Limit: NAME_SCAN_LIMIT,
    },
    (items) => items.length >= NAME_SCAN_LIMIT,
  );
  const ids = rows.map((row) => row.customerId as string);
  const customers = await loadCustomers(db, merchantId, [...new Set(ids)]);
  return customers
    .filter((customer) => {
      const tokens = nameTokens(customer.name);
      return wanted.every((w) => tokens.some((t) => t.startsWith(w)));
    })
    .sort((a, b) => foldText(a.name).localeCompare(foldText(b.name)))
    .slice(0, limit);
}

/** Profiles by id, in the order given, skipping any that no longer exist. */
export async function loadCustomers(db: Db, merchantId: string, ids: readonly string[]): Promise<Customer[]> {
  const keys = ids.map((id) => ({ pk: customerPk(merchantId, id), sk: profileSk() }));
  const found = await batchGet(db, keys);
  return keys.flatMap((k) => (found.get(`${k.pk}|${k.sk}`) as Customer | undefined) ?? []);
}
