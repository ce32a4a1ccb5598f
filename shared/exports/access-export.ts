import { notFound } from "../errors.ts";
import { explainForMember } from "../ledger/entry-types.ts";
import { readCustomerClaims } from "../store/claims.ts";
import { readAudit } from "../store/customers/audit.ts";
import { readCustomer } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { pageEntries } from "../store/ledger/entries.ts";
import { readRecentRecords } from "../store/notifications/deliveries.ts";
import { listPassDevices } from "../store/pass-devices.ts";
import { getRedemption } from "../store/redemptions.ts";
import { entryView } from "../views.ts";
import type { PageObserver } from "./csv-export.ts";
import { EXPORT_PAGE_SIZE } from "./csv-export.ts";
import type { RowSink } from "./sink.ts";

/** How many of the newest audit and delivery records the export lists (both kinds expire or stay few). */
export const ACCESS_RECORDS_LIMIT = 1_000;

/**
 * Everything held about one member (GDPR articles 15 and 20), as one JSON document written piece by
 * piece: the profile, contact and consent settings, claims, pass registrations, delivery records and the
 * audit trail are small and read whole; the ledger, which can hold tens of thousands of entries, is
 * written a page at a time, each entry with its explanation and the redemption it made, if any.
 * Apple push tokens are left out: they are the device's address for Apple's push service, not
 * information about the member, and a file that leaks must not carry them.
 */
export async function writeAccessExport(
  db: Db,
  merchantId: string,
  customerId: string,
  sink: RowSink,
  exportedAt: Date,
  observe?: PageObserver,
): Promise<{ entries: number }> {
  const customer = await readCustomer(db, merchantId, customerId);
  if (!customer || customer.erasedAt) throw notFound("Customer");
  const [claims, devices, deliveries, audit] = await Promise.all([
    readCustomerClaims(db, merchantId, customerId),
    listPassDevices(db, customer.passSerial),
    readRecentRecords(db, merchantId, customerId, ACCESS_RECORDS_LIMIT),
    readAudit(db, merchantId, customerId, ACCESS_RECORDS_LIMIT),
  ]);
  const { passToken: _secret, headHash: _head, seq: _seq, spent: _spent, lastVisits, ...profile } = customer;
  const head = {
    format: "loyalty-wallet access export 1",
    exportedAt: exportedAt.toISOString(),
    profile,
    contacts: { phone: customer.phone ?? null, email: customer.email ?? null },
    consents: {
      marketing: customer.marketingConsent,
      transactional: customer.transactionalConsent ?? null,
    },
    lastVisits,
    claims,
    passDevices: devices.map((d) => ({ deviceLibraryIdentifier: d.deviceLibraryIdentifier })),
    notificationDeliveries: deliveries,
    auditTrail: audit,
  };
  const opening = JSON.stringify(head, null, 2);
  // The document's last brace is reopened to append the entries' array after the small parts.
  await sink.row(`${opening.slice(0, opening.lastIndexOf("}")).trimEnd()},\n  "entries": [`);
  let entries = 0;
  let cursor: string | undefined;
  do {
    const page = await pageEntries(db, merchantId, customerId, { limit: EXPORT_PAGE_SIZE, cursor });
    observe?.(page.entries.length);
    for (const entry of page.entries) {
      const redemptionId = entry.refs?.redemptionId;
      const redemption =
        redemptionId && entry.type === "redemption"
          ? ((await getRedemption(db, merchantId, redemptionId)) ?? null)
          : undefined;
      const view = {
        ...entryView(entry),
        localizedExplanation: explainForMember(entry, customer.locale),
        ...(redemption === undefined ? {} : { redemption }),
      };
      await sink.row(`${entries === 0 ? "\n" : ",\n"}    ${JSON.stringify(view)}`);
      entries++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  await sink.row("\n  ]\n}\n");
  await sink.flush();
  return { entries };
}
