import { createHash } from "node:crypto";
import { canUseLocation, type Principal } from "../auth/principal.ts";
import { searchCustomers } from "../customers/search.ts";
import { forbidden, ValidationError } from "../errors.ts";
import type { LedgerEntry } from "../model.ts";
import { decodeCursor, encodeCursor } from "../pagination.ts";
import { readCustomers } from "../store/customers/profile.ts";
import { ACTIVITY_CLASSES, activityClassesListedUnder } from "../store/db/activity-keys.ts";
import type { Db } from "../store/db/client.ts";
import {
  type ActivityPosition,
  type ActivityRead,
  type ActivityRow,
  type ActivitySource,
  classSource,
  customerSource,
  locationSource,
  positionAbove,
  readActivity,
  readWholeEntries,
  staffSource,
} from "../store/ledger/activity.ts";
import { readRecordNames } from "../store/merchants/names.ts";
import {
  type ActivityType,
  type FilterableEntry,
  type FilterParts,
  filtersNothing,
  matchesFilters,
} from "./filters.ts";

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

/**
 * How many index or ledger items one page may examine, over all its sources, when filters that no index
 * serves leave entries out (a rare type at one location, by one staff member…). A page that reaches it
 * stops short, says how far it searched (`searchedTo`) and its cursor goes on from there; a source is
 * always given at least the page size.
 */
export const ACTIVITY_READ_BUDGET = 500;

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

interface Plan {
  sources: ActivitySource[];
  /** What the sources' keys do not select, tested on each item read. */
  filters: FilterParts;
}

/**
 * The sources for a query: the narrowest index partitions that hold every matching entry. Types alone (or
 * nothing) are whole partitions of the class index, so nothing read is left out; the other filters are
 * tested on what is read, within the read budget.
 */
function plan(db: Db, principal: Principal, query: ActivityQuery, customerIds?: string[]): Plan {
  const { merchantId } = principal;
  const restricted = principal.locationIds === "*" ? undefined : principal.locationIds;
  const { types, staffId, from, to } = query;
  if (query.locationId) {
    return {
      sources: [locationSource(db, merchantId, query.locationId)],
      filters: { types, staffId, customerIds },
    };
  }
  if (restricted) {
    return {
      sources: restricted.map((id) => locationSource(db, merchantId, id)),
      filters: { types, staffId, customerIds },
    };
  }
  if (staffId) return { sources: [staffSource(db, merchantId, staffId)], filters: { types, customerIds } };
  if (customerIds) {
    return {
      sources: customerIds.map((id) => customerSource(db, merchantId, id)),
      filters: { types, from, to },
    };
  }
  const classes = types ? [...new Set(types.flatMap(activityClassesListedUnder))] : ACTIVITY_CLASSES;
  return { sources: classes.map((c) => classSource(db, merchantId, c)), filters: {} };
}

/**
 * The merchant's activity log, newest first. It reads only index partitions that can hold matching
 * entries and merges them by time. The cursor records where each partition stands, so pages neither
 * repeat nor skip entries even while new ones are being written (those are newer than every position).
 * Every page reads a bounded number of items whatever the merchant's size: at most the page size per
 * source when the sources' keys select the entries, at most ACTIVITY_READ_BUDGET when filters leave some
 * out; then one BatchGet for the page's entries that the index holds only by key.
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
  if (customerIds?.length === 0) return { rows: [], nextCursor: null, searchedTo: null };

  const { sources, filters } = plan(db, principal, query, customerIds);
  const accept = filtersNothing(filters)
    ? undefined
    : (item: Record<string, unknown>) => matchesFilters(filters, item as unknown as FilterableEntry);
  const range = { from: query.from, to: query.to };
  const budget = Math.max(query.limit, Math.ceil(ACTIVITY_READ_BUDGET / sources.length));
  const starts = sources.map((source) => cursor?.p[source.id]);
  const reads = await Promise.all(
    sources.map((source, i) => {
      const start = starts[i];
      if (start === "done") return { rows: [], end: "done" } satisfies ActivityRead;
      return readActivity(db, source, start, { range, limit: query.limit, budget, accept });
    }),
  );
  const { taken, positions, searchedTo } = mergeNewestFirst(sources, reads, starts, query.limit);
  const done = sources.every((source) => positions[source.id] === "done");
  const entries = await readWholeEntries(db, taken);
  return {
    rows: await toRows(db, merchantId, entries),
    nextCursor: done ? null : encodeCursor({ f: fingerprint, p: positions } satisfies Cursor),
    searchedTo: done ? null : searchedTo,
  };
}

/**
 * A k-way merge of newest-first sources; each source gives up a prefix of what it read. No row is taken
 * below a source that stopped short of its end (its budget spent): that source may hold newer matches
 * further on, so the page ends there and says so.
 */
function mergeNewestFirst(
  sources: ActivitySource[],
  reads: ActivityRead[],
  starts: (Position | undefined)[],
  limit: number,
) {
  const floor = reads.reduce<string>(
    (highest, read) =>
      read.end !== "done" && read.rows.length < limit && read.frontier && read.frontier > highest
        ? read.frontier
        : highest,
    "",
  );
  const heads = reads.map(() => 0);
  const taken: { item: Record<string, unknown>; whole: boolean; sortValue: string }[] = [];
  while (taken.length < limit) {
    let best: { index: number; row: ActivityRow } | undefined;
    reads.forEach((read, index) => {
      const row = read.rows[heads[index] as number];
      if (row && row.sortValue >= floor && (!best || row.sortValue > best.row.sortValue))
        best = { index, row };
    });
    if (!best) break;
    taken.push({ ...best.row, whole: (sources[best.index] as ActivitySource).whole });
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
    } else if (read.rows[0]) {
      // Nothing taken yet: the next page starts at the newest row read here, not at entries written since.
      positions[source.id] = positionAbove(source, read.rows[0]);
    }
  });
  // Every match newer than this time is in this page or an earlier one.
  const last = taken.length === limit ? taken[taken.length - 1]?.sortValue : floor || taken.at(-1)?.sortValue;
  return { taken, positions, searchedTo: last ? (last.split("#")[0] as string) : null };
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
