import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Hold } from "../alerts/holds.ts";
import type { Alert, AlertEntry, AlertRule, CounterKey } from "../alerts/rules.ts";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import { merchantPk } from "./db/partitions.ts";
import { queryAll } from "./db/query-all.ts";
import type { NamedItem } from "./db/transact.ts";

/**
 * Fraud alerts (shared/alerts/). Each counter is a partition of its own per rule, subject and window
 * (`MERCHANT#<m>#ALERT_COUNT#<rule>#<subject>#<windowStart>`), so a busy till's hour is never the same key
 * as another's, and it leaves the table by TTL a day after its window closed. Alerts are rare: one
 * partition per merchant (`MERCHANT#<m>#ALERTS`), sorted by window start then id, so the list reads newest
 * first; they are kept (a reviewer's record), like the ledger they point at. Holds of manual points are
 * one partition per merchant too (`MERCHANT#<m>#HOLDS` / `HOLD#<id>`), read by id only; they hold the staff
 * note as typed, so they leave by TTL HOLD_TTL_DAYS after they were made (a hold still pending then lapses:
 * the request is asked again), and an erasure strips their free text.
 */

/** How long a hold is kept; an approval writes the entry, which is the lasting record. */
export const HOLD_TTL_DAYS = 90;

const COUNTER_SK = "#COUNTER";
const ALERT_PREFIX = "ALERT#";

const counterKey = (key: CounterKey) => ({
  pk: `${merchantPk(key.merchantId)}#ALERT_COUNT#${key.rule}#${key.subjectKey}#${key.windowStart}`,
  sk: COUNTER_SK,
});
const alertsPk = (merchantId: string) => `${merchantPk(merchantId)}#ALERTS`;
const alertSk = (alert: Pick<Alert, "window" | "id">) => `${ALERT_PREFIX}${alert.window.start}#${alert.id}`;

/**
 * Appends the entry to the counter unless it is in it already or the counter holds `cap` entries; on
 * either condition failure the counter is read back consistently. The entries in order of arrival.
 */
export async function countEntryOnce(
  db: Db,
  key: CounterKey,
  entry: AlertEntry,
  cap: number,
): Promise<AlertEntry[]> {
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: counterKey(key),
        UpdateExpression:
          "SET ids = list_append(if_not_exists(ids, :none), :id), entries = list_append(if_not_exists(entries, :none), :entry), #ttl = if_not_exists(#ttl, :ttl)",
        ConditionExpression:
          "attribute_not_exists(ids) OR (NOT contains(ids, :entryId) AND size(ids) < :cap)",
        ExpressionAttributeNames: { "#ttl": "ttl" },
        ExpressionAttributeValues: {
          ":none": [],
          ":id": [entry.id],
          ":entry": [entry],
          ":entryId": entry.id,
          ":cap": cap,
          ":ttl": Math.floor(Date.parse(key.expiresAt) / 1000),
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return (Attributes?.entries ?? []) as AlertEntry[];
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const { Item } = await db.client.send(
      new GetCommand({ TableName: db.table, Key: counterKey(key), ConsistentRead: true }),
    );
    return (Item?.entries ?? []) as AlertEntry[];
  }
}

/** Writes the alert unless it exists; true only for the one call that wrote it. */
export async function putAlertOnce(db: Db, alert: Alert): Promise<boolean> {
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: { pk: alertsPk(alert.merchantId), sk: alertSk(alert), ...alert },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export interface AlertPage {
  alerts: Alert[];
  /** The sort key to continue after, for the next page's cursor. */
  after?: string;
}

/**
 * A page of the merchant's alerts, newest window first, optionally of one rule (filtered after the read,
 * so a page may hold fewer than `limit`; the cursor still moves on).
 */
export async function listAlerts(
  db: Db,
  merchantId: string,
  limit: number,
  options: { after?: string; rule?: AlertRule } = {},
): Promise<AlertPage> {
  const page = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ...(options.rule
        ? { FilterExpression: "#rule = :rule", ExpressionAttributeNames: { "#rule": "rule" } }
        : {}),
      ExpressionAttributeValues: {
        ":pk": alertsPk(merchantId),
        ":prefix": ALERT_PREFIX,
        ...(options.rule ? { ":rule": options.rule } : {}),
      },
      ...(options.after ? { ExclusiveStartKey: { pk: alertsPk(merchantId), sk: options.after } } : {}),
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  const alerts = (page.Items ?? []).map(({ pk: _pk, sk: _sk, ...alert }) => alert as unknown as Alert);
  const last = page.LastEvaluatedKey?.sk;
  return { alerts, ...(typeof last === "string" ? { after: last } : {}) };
}

export const isAlertSortKey = (value: string) => value.startsWith(ALERT_PREFIX) && value.length <= 300;

export const STORED_ITEMS = [
  { type: "alert-counter", sk: COUNTER_SK, indexes: [], ttl: true },
  { type: "alert", sk: "ALERT#<windowStart>#<id>", indexes: [] },
  { type: "points-hold", sk: "HOLD#<id>", indexes: [], ttl: true },
] as const satisfies readonly StoredItemType[];

// Holds: manual points over the merchant's limit, waiting for a second person (shared/alerts/holds.ts).

const HOLD_PREFIX = "HOLD#";
const holdKey = (merchantId: string, holdId: string) => ({
  pk: `${merchantPk(merchantId)}#HOLDS`,
  sk: `${HOLD_PREFIX}${holdId}`,
});

/** A new hold ("hold"); its condition fails only if the id is taken. */
export const newHoldItem = (db: Db, hold: Hold): NamedItem => ({
  name: "hold",
  item: {
    Put: {
      TableName: db.table,
      Item: {
        ...holdKey(hold.merchantId, hold.id),
        ...hold,
        ttl: Math.floor(Date.parse(hold.createdAt) / 1000) + HOLD_TTL_DAYS * 24 * 3600,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  },
});

/** The decision on a pending hold ("hold"), on condition it is still pending. */
export const holdDecisionItem = (db: Db, decided: Hold): NamedItem => ({
  name: "hold",
  item: {
    Update: {
      TableName: db.table,
      Key: holdKey(decided.merchantId, decided.id),
      UpdateExpression: "SET #status = :status, decision = :decision",
      ConditionExpression: "#status = :pending",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":status": decided.status,
        ":decision": decided.decision,
        ":pending": "pending",
      },
    },
  },
});

export async function readHold(db: Db, merchantId: string, holdId: string): Promise<Hold | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: holdKey(merchantId, holdId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ttl: _ttl, ...hold } = Item;
  return hold as Hold;
}

/** The free text of the member's holds (notes, rejection reasons), for an erasure to recognise elsewhere. */
export async function readHoldTexts(db: Db, merchantId: string, customerId: string): Promise<string[]> {
  const holds = await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    FilterExpression: "customerId = :customerId",
    ExpressionAttributeNames: { "#request": "request" },
    ExpressionAttributeValues: {
      ":pk": `${merchantPk(merchantId)}#HOLDS`,
      ":prefix": HOLD_PREFIX,
      ":customerId": customerId,
    },
    ProjectionExpression: "#request.note, decision.reason",
  });
  return holds
    .flatMap((hold) => [
      (hold.request as { note?: unknown } | undefined)?.note,
      (hold.decision as { reason?: unknown } | undefined)?.reason,
    ])
    .filter((text): text is string => typeof text === "string" && text !== "");
}

/**
 * Erasure's step: the member's holds lose the free text staff typed (the request's note, a rejection's
 * reason); amounts, ids and decisions stay. Idempotent; returns how many were stripped.
 */
export async function stripHoldTexts(db: Db, merchantId: string, customerId: string): Promise<number> {
  const pk = `${merchantPk(merchantId)}#HOLDS`;
  const holds = await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    FilterExpression:
      "customerId = :customerId AND (attribute_exists(#request.note) OR attribute_exists(decision.reason))",
    ExpressionAttributeNames: { "#request": "request" },
    ExpressionAttributeValues: { ":pk": pk, ":prefix": HOLD_PREFIX, ":customerId": customerId },
    ProjectionExpression: "pk, sk, decision",
    ConsistentRead: true,
  });
  for (const hold of holds) {
    // A path inside a map that is not there is an error: a pending hold has no decision yet.
    const paths = ["#request.note", ...(hold.decision ? ["decision.reason"] : [])];
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: { pk: hold.pk, sk: hold.sk },
        UpdateExpression: `REMOVE ${paths.join(", ")}`,
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#request": "request" },
      }),
    );
  }
  return holds.length;
}

export interface PendingHoldPage {
  holds: Hold[];
  /** The sort key to continue after, for the next page's cursor. */
  after?: string;
}

/** At most this many reads for one page of pending holds: a long run of decided ones ends the page early. */
const PENDING_HOLD_READS = 5;

/**
 * A page of the merchant's pending holds, newest first (hold ids are ULIDs). Decided holds stay in the
 * partition, so the pending ones are filtered after each read: up to PENDING_HOLD_READS reads fill the page,
 * after which it may hold fewer than `limit` and `after` still moves on.
 */
export async function listPendingHolds(
  db: Db,
  merchantId: string,
  limit: number,
  options: { after?: string } = {},
): Promise<PendingHoldPage> {
  const pk = `${merchantPk(merchantId)}#HOLDS`;
  const holds: Hold[] = [];
  let start: string | undefined = options.after;
  for (let read = 0; read < PENDING_HOLD_READS; read++) {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        FilterExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":pk": pk, ":prefix": HOLD_PREFIX, ":pending": "pending" },
        ...(start ? { ExclusiveStartKey: { pk, sk: start } } : {}),
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    for (const { pk: _pk, sk: _sk, ...hold } of page.Items ?? []) {
      // A page full before this read's end: the next one starts after its last hold.
      if (holds.length === limit) return { holds, after: holdSk(holds[limit - 1] as Hold) };
      holds.push(hold as Hold);
    }
    const last = page.LastEvaluatedKey?.sk;
    start = typeof last === "string" ? last : undefined;
    if (!start) return { holds };
    if (holds.length === limit) return { holds, after: start };
  }
  return { holds, ...(start ? { after: start } : {}) };
}

const holdSk = (hold: Pick<Hold, "id">) => `${HOLD_PREFIX}${hold.id}`;

export const isHoldSortKey = (value: string) => value.startsWith(HOLD_PREFIX) && value.length <= 200;
