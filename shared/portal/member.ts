import { noWalletLinks, type WalletLinkSigner } from "../customers/wallet-links.ts";
import { notFound } from "../errors.ts";
import { upcomingExpiries } from "../expiry/upcoming.ts";
import { describeRule, explainForMember } from "../ledger/entry-types.ts";
import { listEntries } from "../ledger/read.ts";
import { getMerchant, listLocations, listPrograms } from "../merchants/directory.ts";
import type { Customer, LedgerEntry } from "../model.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { customerView, entryView } from "../views.ts";
import type { CustomerIdentity } from "./access.ts";

/** What GET /v1/me and GET /v1/me/ledger show a customer: only their own membership, in their language. */

export async function readMember(db: Db, member: CustomerIdentity): Promise<Customer> {
  const customer = await readCustomer(db, member.merchantId, member.customerId);
  if (!customer) throw notFound("Customer");
  return customer;
}

/**
 * Balance, upcoming expiries, how each location earns points (the "right to know how points are computed"),
 * and fresh links to add the card to a wallet: a member who lost their phone, or who opened the portal
 * from the Welcome QR code at the counter, gets the card back from here.
 */
export async function memberOverview(
  db: Db,
  member: CustomerIdentity,
  now: Date,
  walletLinks: WalletLinkSigner = noWalletLinks,
) {
  const [customer, merchant, locations, programs, expiries] = await Promise.all([
    readMember(db, member),
    getMerchant(db, member.merchantId),
    listLocations(db, member.merchantId),
    listPrograms(db, member.merchantId),
    upcomingExpiries(db, member.merchantId, member.customerId, now),
  ]);
  if (!merchant) throw notFound("Customer");
  return {
    customer: customerView(customer),
    merchant: { id: merchant.id, name: merchant.name },
    wallet: await walletLinks(customer, now),
    upcomingExpiries: expiries,
    locations: locations.map((location) => {
      const program = programs.find((p) => p.id === location.programId);
      return {
        id: location.id,
        name: location.name,
        program: program
          ? {
              kind: program.rule.kind,
              currency: program.rule.kind === "purchase" ? program.rule.currency : null,
              description: describeRule(program.rule, customer.locale),
            }
          : null,
      };
    }),
  };
}

/** An entry with its explanation also in the customer's language (`explanation` stays as recorded, in English). */
export const memberEntryView = (entry: LedgerEntry, locale: Customer["locale"]) => ({
  ...entryView(entry),
  localizedExplanation: explainForMember(entry, locale),
});

export async function memberLedger(
  db: Db,
  member: CustomerIdentity,
  page: { limit: number; cursor?: string },
) {
  const [customer, entries] = await Promise.all([
    readMember(db, member),
    listEntries(db, member.merchantId, member.customerId, page),
  ]);
  return {
    entries: entries.entries.map((entry) => memberEntryView(entry, customer.locale)),
    nextCursor: entries.nextCursor,
  };
}
