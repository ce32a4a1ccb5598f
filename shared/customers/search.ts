import { getMerchant } from "../merchants/directory.ts";
import type { Customer } from "../model.ts";
import { findContactHolder } from "../store/customers/contacts.ts";
import { customersByFullName, customersByNamePrefix } from "../store/customers/names.ts";
import { readCustomers } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { foldText, looksLikePhone, nameTokens, normalizeEmail, normalizePhone } from "./contact.ts";

/** How many name-index rows one search reads at most; a prefix that matches more is too vague to page through. */
const NAME_SCAN_LIMIT = 200;

/**
 * Finds a merchant's customers by phone (any common formatting), email (any case) or name prefix
 * (any case, with or without accents). Every path is a key lookup or a prefix query on an index; none scans.
 * A name search lists the customers with exactly that full name first, every one of them up to `limit`.
 */
export async function searchCustomers(
  db: Db,
  merchantId: string,
  query: string,
  limit: number,
): Promise<Customer[]> {
  const q = query.trim();
  let holder: string | undefined;
  if (q.includes("@")) {
    const email = normalizeEmail(q);
    holder = email ? await findContactHolder(db, merchantId, "email", email) : undefined;
  } else if (looksLikePhone(q)) {
    const merchant = await getMerchant(db, merchantId);
    const phone = merchant ? normalizePhone(q, merchant.country) : undefined;
    holder = phone ? await findContactHolder(db, merchantId, "phone", phone) : undefined;
  } else {
    return searchByName(db, merchantId, q, limit);
  }
  return holder ? readCustomers(db, merchantId, [holder]) : [];
}

async function searchByName(db: Db, merchantId: string, q: string, limit: number): Promise<Customer[]> {
  const wanted = nameTokens(q);
  if (wanted.length === 0) return [];
  const exactIds = await customersByFullName(db, merchantId, wanted, limit);
  // Query by the longest word (the most selective prefix); the others are checked on the names found.
  const pivot = [...wanted].sort((a, b) => b.length - a.length)[0] as string;
  const prefixIds =
    exactIds.length < limit ? await customersByNamePrefix(db, merchantId, pivot, NAME_SCAN_LIMIT) : [];
  const customers = await readCustomers(db, merchantId, [...new Set([...exactIds, ...prefixIds])]);
  const exact = new Set(exactIds);
  const byName = (a: Customer, b: Customer) => foldText(a.name).localeCompare(foldText(b.name));
  const others = customers
    .filter((customer) => {
      if (exact.has(customer.id)) return false;
      const tokens = nameTokens(customer.name);
      return wanted.every((w) => tokens.some((t) => t.startsWith(w)));
    })
    .sort(byName);
  return [...customers.filter((customer) => exact.has(customer.id)).sort(byName), ...others].slice(0, limit);
}
