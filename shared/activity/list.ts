import { createHash } from "node:crypto";
import { QueryCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import { canUseLocation, type Principal, requirePermission } from "../auth/principal.ts";
import { loadCustomers, searchCustomers } from "../customers/search.ts";
import { batchGet } from "../db/batch-get.ts";
import type { Db } from "../db/client.ts";
import { locationSk, merchantPk, staffSk } from "../db/keys.ts";
import { forbidden, ValidationError } from "../errors.ts";
import type { LedgerEntry } from "../model.ts";
import { decodeCursor, encodeCursor } from "../pagination.ts";
import { type ActivityType, type FilterParts, filterExpression } from "./filters.ts";
import {
  type ActivitySource,
  customerSource,
  locationSource,
  merchantShardSources,
  staffSource,
} from "./sources.ts";

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

type Position = Record<string, string> | "done";
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
  requirePermission(principal, "activity:read");
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
  const buffers = await Promise.all(
    sources.map((source) => readSource(db, source, cursor?.p[source.id], filters, range, query.limit)),
  );
  const { taken, positions } = mergeNewestFirst(sources, buffers, query.limit);
  const done = sources.every((source) => positions[source.id] === "done");
  return {
    rows: await toRows(db, merchantId, taken),
    nextCursor: done ? null : encodeCursor({ f: fingerprint, p: positions } satisfies Cursor),
  };
}

interface SourceBuffer {
  items: Record<string, unknown>[];
  /** Where the source stands after everything read; "done" when it has no more. */
  end: Position;
  /** Where it stood before this page. */
  start: Position | undefined;
}

/** Reads one source until `limit` entries match the filters or it runs out. */
async function readSource(
  db: Db,
  source: ActivitySource,
  start: Position | undefined,
  filters: FilterParts,
  range: { from?: string; to?: string },
  limit: number,
): Promise<SourceBuffer> {
  if (start === "done") return { items: [], end: "done", start };
  const base = source.query(range);
  const filter = filterExpression(source.rangeInKey ? filters : { ...filters, ...range });
  // DynamoDB refuses an empty name or value map, so each is sent only when something is in it.
  const names = { ...base.ExpressionAttributeNames, ...filter.ExpressionAttributeNames };
  const values = { ...base.ExpressionAttributeValues, ...filter.ExpressionAttributeValues };
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined = start;
  do {
    const page: QueryCommandOutput = await db.client.send(
      new QueryCommand({
        ...base,
        ...(filter.FilterExpression ? { FilterExpression: filter.FilterExpression } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ExclusiveStartKey: startKey,
        Limit: limit,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return { items, end: startKey ? (startKey as Record<string, string>) : "done", start };
}

const sortValue = (item: Record<string, unknown>) => `${item.createdAt}#${item.id}`;

/** A k-way merge of newest-first sources; each source gives up a prefix of what it read. */
function mergeNewestFirst(sources: ActivitySource[], buffers: SourceBuffer[], limit: number) {
  const heads = buffers.map(() => 0);
  const taken: LedgerEntry[] = [];
  while (taken.length < limit) {
    let best = -1;
    buffers.forEach((buffer, i) => {
      const candidate = buffer.items[heads[i] as number];
      if (!candidate) return;
      const current = best >= 0 ? buffers[best]?.items[heads[best] as number] : undefined;
      if (!current || sortValue(candidate) > sortValue(current)) best = i;
    });
    if (best < 0) break;
    taken.push(buffers[best]?.items[heads[best] as number] as unknown as LedgerEntry);
    heads[best] = (heads[best] as number) + 1;
  }
  const positions: Record<string, Position> = {};
  sources.forEach((source, i) => {
    const buffer = buffers[i] as SourceBuffer;
    const consumed = heads[i] as number;
    if (consumed === buffer.items.length) {
      // Everything read was handed out: continue after what was read, filtered-out entries included.
      positions[source.id] = buffer.end;
    } else if (consumed > 0) {
      const last = buffer.items[consumed - 1] as Record<string, unknown>;
      positions[source.id] = Object.fromEntries(
        source.keyAttributes.map((name) => [name, String(last[name])]),
      );
    } else if (buffer.start) {
      positions[source.id] = buffer.start;
    }
    // A source with no position yet is read from its newest entry.
  });
  return { taken, positions };
}

/** Activity rows with the names a merchant reads: customer, staff member, location. */
async function toRows(db: Db, merchantId: string, entries: LedgerEntry[]) {
  const [customers, records] = await Promise.all([
    loadCustomers(db, merchantId, [...new Set(entries.map((e) => e.customerId))]),
    batchGet(db, [
      ...entries.flatMap((e) => (e.staffId ? [{ pk: merchantPk(merchantId), sk: staffSk(e.staffId) }] : [])),
      ...entries.flatMap((e) =>
        e.locationId ? [{ pk: merchantPk(merchantId), sk: locationSk(e.locationId) }] : [],
      ),
    ]),
  ]);
  const customerNames = new Map(customers.map((c) => [c.id, c.name]));
  const nameOf = (sk: string) =>
    (records.get(`${merchantPk(merchantId)}|${sk}`)?.name as string | undefined) ?? null;
  return entries.map((entry) => ({
    id: entry.id,
    createdAt: entry.createdAt,
    occurredAt: entry.occurredAt ?? null,
    customer: { id: entry.customerId, name: customerNames.get(entry.customerId) ?? null },
    type: entry.type,
    points: entry.points,
    balanceAfter: entry.balanceAfter,
    staff: entry.staffId ? { id: entry.staffId, name: nameOf(staffSk(entry.staffId)) } : null,
    location: entry.locationId ? { id: entry.locationId, name: nameOf(locationSk(entry.locationId)) } : null,
    explanation: entry.explanation,
    reason: entry.reason ?? null,
    note: entry.note ?? null,
    refs: entry.refs ?? null,
  }));
}
