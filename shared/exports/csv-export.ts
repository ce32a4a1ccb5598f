import { listActivity } from "../activity/list.ts";
import type { Principal } from "../auth/principal.ts";
import type { Customer } from "../model.ts";
import { MAX_PAGE_SIZE } from "../pagination.ts";
import { customerIdsPage } from "../store/customers/names.ts";
import { readCustomers } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import { type CsvValue, csvRow, UTF8_BOM } from "./csv.ts";
import type { RowSink } from "./sink.ts";

/** Rows read per page: the API's own page size, so an export holds no more rows at once than a list does. */
export const EXPORT_PAGE_SIZE = MAX_PAGE_SIZE;

export const MEMBER_COLUMNS = [
  "id",
  "name",
  "phone",
  "email",
  "balance",
  "locale",
  "marketingConsent",
  "barcode",
  "createdAt",
] as const;

export const ACTIVITY_COLUMNS = [
  "id",
  "createdAt",
  "customerId",
  "customerName",
  "type",
  "points",
  "balanceAfter",
  "staffId",
  "staffName",
  "locationId",
  "locationName",
  "explanation",
  "reason",
  "note",
] as const;

const memberCells = (c: Customer): CsvValue[] => [
  c.id,
  c.name,
  c.phone,
  c.email,
  c.balance,
  c.locale,
  c.marketingConsent,
  c.barcode,
  c.createdAt,
];

/** Called with each page's size before it is written: tests check no more than a page is ever held. */
export type PageObserver = (rows: number) => void;

/** Every member of the merchant, a page of profiles at a time (the name index lists each one once). */
export async function writeMembersCsv(
  db: Db,
  merchantId: string,
  sink: RowSink,
  observe?: PageObserver,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<{ rows: number }> {
  await sink.row(UTF8_BOM + csvRow(MEMBER_COLUMNS));
  let rows = 0;
  let after: string | undefined;
  do {
    const page = await customerIdsPage(db, merchantId, pageSize, after);
    const customers = (await readCustomers(db, merchantId, page.ids)).filter((c) => !c.erasedAt);
    observe?.(customers.length);
    for (const customer of customers) await sink.row(csvRow(memberCells(customer)));
    rows += customers.length;
    after = page.next;
  } while (after);
  await sink.flush();
  return { rows };
}

/**
 * The activity log between `from` and `to` (inclusive, as GET /v1/activity reads them), newest first,
 * through the activity reader itself: the rows are the ones the API lists, page by page.
 */
export async function writeActivityCsv(
  db: Db,
  principal: Principal,
  range: { from?: string; to?: string },
  sink: RowSink,
  observe?: PageObserver,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<{ rows: number }> {
  await sink.row(UTF8_BOM + csvRow(ACTIVITY_COLUMNS));
  let rows = 0;
  let cursor: string | undefined;
  do {
    const page = await listActivity(db, principal, { ...range, limit: pageSize, cursor });
    observe?.(page.rows.length);
    for (const r of page.rows) {
      await sink.row(
        csvRow([
          r.id,
          r.createdAt,
          r.customer.id,
          r.customer.name,
          r.type,
          r.points,
          r.balanceAfter,
          r.staff?.id,
          r.staff?.name,
          r.location?.id,
          r.location?.name,
          r.explanation,
          r.reason,
          r.note,
        ]),
      );
    }
    rows += page.rows.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  await sink.flush();
  return { rows };
}
