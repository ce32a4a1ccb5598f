import { notFound } from "../errors.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { beforeOf } from "../store/db/numbered-page.ts";
import { entrySource, pageEntries, readWholeLedger } from "../store/ledger/entries.ts";
import { type ChainVerdict, verifyChain } from "./hash-chain.ts";

export type EntryPage = Awaited<ReturnType<typeof pageEntries>>;

/** A customer's entries, newest first. */
export async function listEntries(
  db: Db,
  merchantId: string,
  customerId: string,
  page: { limit: number; cursor?: string },
): Promise<EntryPage> {
  // Checked before any read, so a forged cursor is a 400 whatever else the request names.
  beforeOf(entrySource(merchantId, customerId), page.cursor);
  const customer = await readCustomer(db, merchantId, customerId);
  if (!customer) throw notFound("Customer");
  return pageEntries(db, merchantId, customerId, page);
}

export async function verifyLedger(db: Db, merchantId: string, customerId: string): Promise<ChainVerdict> {
  const customer = await readCustomer(db, merchantId, customerId);
  if (!customer) throw notFound("Customer");
  // The profile is read first: entries appended after it are newer than the head it names, and left out.
  const entries = (await readWholeLedger(db, merchantId, customerId)).filter((e) => e.seq <= customer.seq);
  return verifyChain(entries, customer);
}
