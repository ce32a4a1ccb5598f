import { createHash } from "node:crypto";
import { canUseLocation, type Principal } from "../auth/principal.ts";
import { searchCustomers } from "../customers/search.ts";
import { forbidden, ValidationError } from "../errors.ts";
import type { LedgerEntry } from "../model.ts";
import { decodeCursor, encodeCursor } from "../pagination.ts";
import { readCustomers } from "../store/customers/profile.ts";
import type { Db } from "../store/db/client.ts";
import {
  type ActivityPosition,
  type ActivityRead,
  type ActivityRow,
  type ActivitySource,
  customerSource,
  locationSource,
  merchantShardSources,
  readActivity,
  staffSource,
  type TimeRange,
} from "../store/ledger/activity.ts";
import { readRecordNames } from "../store/merchants/names.ts";
import { type ActivityType, type FilterParts, filterExpression } from "./filters.ts";

export interface ActivityQuery {
  types?: ActivityType[];
  q?: string;
  staffId?: string;
  locationId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** How many customers a `q` search may fan out to. */
const MAX_MATCHED_CUSTOMERS = 10;

type Position = ActivityPosition | "done";
interface Cursor {
  /** Fingerprint of the filters: a cursor only continues the query it came from. */
  f: string;
  /** Where each source stands: the key of the last entry handed out, or "done". */
  p: Record<string, Position>;
}

const isCursor = (value: unknown): value is Cursor => {
  if (typeof value !== "object" || value === null) return false;
  const { f, p } = value as Cursor;
  return (
    typeof f === "string" &&
    typeof p === "object" &&
    p !== null &&
    Object.values(p).every(
      (pos) =>
        pos === "done" ||
        (typeof pos === "object" && pos !== null && Object.values(pos).every((v) => typeof v === "string")),
    )
  );
};

/**
 * The merchant's activity log, newest first. It reads only index partitions that can hold matching
 * entries and merges them by time. The cursor records where each partition stands, so pages neither
 * repeat nor skip entries even while new ones are being written (those are newer than every position).
 */
export async function listActivity(db: Db, principal: Principal, query: ActivityQuery) {
  const { merchantId } = principal;
  if (query.locationId && !canUseLocation(principal, query.locationId)) {
    throw forbidden("You may not see this location's activity.");
  }
  const fingerprint = createHash("sha256")
    .update(JSON.stringify({ ...query, limit: undefined, cursor: undefined, who: principal.staffId }))
    .digest("base64url")
    .slice(0, 16);
  const cursor = query.cursor ? decodeCursor(query.cursor, isCursor) : undefined;
  if (cursor && cursor.f !== fingerprint) {
    throw ValidationError.field("query.cursor", "belongs to a query with other filters");
  }

  const customerIds = query.q
    ? (await searchCustomers(db, merchantId, query.q, MAX_MATCHED_CUSTOMERS)).map((c) => c.id)
    : undefined;
  if (customerIds?.length === 0) return { rows: [], nextCursor: null };

  const restricted = principal.locationIds === "*" ? undefined : principal.locationIds;
  const filters: FilterParts = { types: query.types };
  let sources: ActivitySource[];
  if (query.locationId) {
    sources = [locationSource(db, merchantId, query.locationId)];
    Object.assign(filters, { staffId: query.staffId, customerIds });
  } else if (restricted) {
    sources = restricted.map((id) => locationSource(db, merchantId, id));
    Object.assign(filters, { staffId: query.staffId, customerIds });
  } else if (query.staffId) {
    sources = [staffSource(db, merchantId, query.staffId)];
    Object.assign(filters, { customerIds });
  } else if (customerIds) {
    sources = customerIds.map((id) => customerSource(db, merchantId, id));
  } else {
    sources = merchantShardSources(db, merchantId);
  }

  const range = { from: query.from, to: query.to };
  const starts = sources.map((source) => cursor?.p[source.id]);
  const reads = await Promise.all(
    sources.map((source, i) => readSource(db, source, starts[i], filters, range, query.limit)),
  );
  const { taken, positions } = mergeNewestFirst(sources, reads, starts, query.limit);
  const done = sources.every((source) => positions[source.id] === "done");
  return {
    rows: await toRows(db, merchantId, taken),
    nextCursor: done ? null : encodeCursor({ f: fingerprint, p: positions } satisfies Cursor),
  };
}

/** Reads one source from where the cursor left it, unless it has nothing more. */
async function readSource(
  db: Db,
  source: ActivitySource,
  start: Position | undefined,
  filters: FilterParts,
  range: TimeRange,
  limit: number,
): Promise<ActivityRead> {
  if (start === "done") return { rows: [], end: "done" };
  const filter = filterExpression(source.rangeInKey ? filters : { ...filters, ...range });
  return readActivity(db, source, start, filter, range, limit);
}

const sortValue = (entry: LedgerEntry) => `${entry.createdAt}#${entry.id}`;

/** A k-way merge of newest-first sources; each source gives up a prefix of what it read. */
function mergeNewestFirst(
  sources: ActivitySource[],
  reads: ActivityRead[],
  starts: (Position | undefined)[],
  limit: number,
) {
  const heads = reads.map(() => 0);
  const taken: LedgerEntry[] = [];
  while (taken.length < limit) {
    let best: { index: number; row: ActivityRow } | undefined;
    reads.forEach((read, index) => {
      const row = read.rows[heads[index] as number];
      if (row && (!best || sortValue(row.entry) > sortValue(best.row.entry))) best = { index, row };
    });
    if (!best) break;
    taken.push(best.row.entry);
    heads[best.index] = (heads[best.index] as number) + 1;
  }
  const positions: Record<string, Position> = {};
  sources.forEach((source, i) => {
    const read = reads[i] as ActivityRead;
    const consumed = heads[i] as number;
    const start = starts[i];
    if (consumed === read.rows.length) {
      // Everything read was handed out: continue after what was read, filtered-out entries included.
      positions[source.id] = read.end;
    } else if (consumed > 0) {
      positions[source.id] = (read.rows[consumed - 1] as ActivityRow).position;
    } else if (start) {
      positions[source.id] = start;
    }
    // A source with no position yet is read from its newest entry.
  });
  return { taken, positions };
}

/** Activity rows with the names a merchant reads: customer, staff member, location. */
async function toRows(db: Db, merchantId: string, entries: LedgerEntry[]) {
  const [customers, names] = await Promise.all([
    readCustomers(db, merchantId, [...new Set(entries.map((e) => e.customerId))]),
    readRecordNames(db, merchantId, {
      staff: [...new Set(entries.flatMap((e) => (e.staffId ? [e.staffId] : [])))],
      locations: [...new Set(entries.flatMap((e) => (e.locationId ? [e.locationId] : [])))],
    }),
  ]);
  const customerNames = new Map(customers.map((c) => [c.id, c.name]));
  return entries.map((entry) => ({
    id: entry.id,
    createdAt: entry.createdAt,
    occurredAt: entry.occurredAt ?? null,
    customer: { id: entry.customerId, name: customerNames.get(entry.customerId) ?? null },
    type: entry.type,
    points: entry.points,
    balanceAfter: entry.balanceAfter,
    staff: entry.staffId ? { id: entry.staffId, name: names.staff.get(entry.staffId) ?? null } : null,
    location: entry.locationId
      ? { id: entry.locationId, name: names.locations.get(entry.locationId) ?? null }
      : null,
    explanation: entry.explanation,
    reason: entry.reason ?? null,
    note: entry.note ?? null,
    refs: entry.refs ?? null,
  }));
}
