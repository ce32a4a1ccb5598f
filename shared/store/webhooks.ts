import { createHash } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { WebhookDelivery, WebhookEndpoint } from "../webhooks/model.ts";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import { setExpression } from "./db/set-expression.ts";
import type { NamedItem } from "./db/transact.ts";
import { readRecord, readRecordItems, recordFromItem, recordKey } from "./merchants/partition.ts";

/**
 * Webhooks: each endpoint is a record of the merchant's partition (`WEBHOOK#<id>`: a merchant has a few);
 * its deliveries are a partition of their own per endpoint (`WEBHOOK_DELIVERY#<webhook-id>`, whose ids
 * start with the event's time, so the log reads newest first). A pending delivery carries the due index
 * (gsi5, `WEBHOOK_DUE#<shard>`) at its next attempt, which the retry job reads; every delivery leaves the
 * table by TTL 30 days after it was made.
 */

const ENDPOINT_PREFIX = "WEBHOOK#";
const DELIVERY_PREFIX = "WEBHOOK_DELIVERY#";
export const endpointSk = (endpointId: string) => `${ENDPOINT_PREFIX}${endpointId}`;

const deliveriesPk = (merchantId: string, endpointId: string) =>
  `MERCHANT#${merchantId}#WEBHOOK#${endpointId}`;
const deliveryKey = (merchantId: string, endpointId: string, id: string) => ({
  pk: deliveriesPk(merchantId, endpointId),
  sk: `${DELIVERY_PREFIX}${id}`,
});

export const DELIVERY_RETENTION_DAYS = 30;
const ttlOf = (createdAt: string) =>
  Math.floor(Date.parse(createdAt) / 1000) + DELIVERY_RETENTION_DAYS * 86_400;

/** Pending retries spread over a few partitions, so a busy minute is not one hot key. */
export const WEBHOOK_DUE_SHARDS = 4;
const dueShard = (id: string) =>
  createHash("sha256").update(id).digest().readUInt32BE(0) % WEBHOOK_DUE_SHARDS;
const dueKeys = (d: Pick<WebhookDelivery, "merchantId" | "endpointId" | "id">, at: string) => ({
  gsi5pk: `WEBHOOK_DUE#${dueShard(d.id)}`,
  gsisk: `${at}#${d.merchantId}#${d.endpointId}#${d.id}`,
});

function deliveryOf(item: Record<string, unknown>): WebhookDelivery {
  const { pk: _pk, sk: _sk, gsi5pk: _g, gsisk: _s, ttl: _ttl, ...delivery } = item;
  return delivery as unknown as WebhookDelivery;
}

// Endpoints.

export const listEndpoints = async (db: Db, merchantId: string): Promise<WebhookEndpoint[]> =>
  (await readRecordItems(db, merchantId, ENDPOINT_PREFIX)).map((item) =>
    recordFromItem<WebhookEndpoint>(item),
  );

export const readEndpoint = (db: Db, merchantId: string, endpointId: string, consistent = true) =>
  readRecord<WebhookEndpoint>(db, merchantId, endpointSk(endpointId), consistent);

/** A new endpoint ("endpoint"); its condition fails only if the id is taken. */
export const newEndpointItem = (db: Db, endpoint: WebhookEndpoint): NamedItem => ({
  name: "endpoint",
  item: {
    Put: {
      TableName: db.table,
      Item: { ...recordKey(endpoint.merchantId, endpointSk(endpoint.id)), ...endpoint },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  },
});

export type EndpointChanges = Partial<
  Pick<
    WebhookEndpoint,
    | "url"
    | "eventTypes"
    | "description"
    | "enabled"
    | "secrets"
    | "updatedAt"
    | "consecutiveFailures"
    | "disabledReason"
    | "disabledAt"
    | "failingSince"
  >
>;

/**
 * Staff's change of an endpoint ("endpoint"), on condition nobody changed it since it was read. Fields
 * set to null are removed (a re-enabled endpoint forgets why it was off).
 */
export function endpointChangeItem(
  db: Db,
  before: WebhookEndpoint,
  changes: EndpointChanges,
  remove: readonly ("disabledReason" | "disabledAt" | "failingSince")[] = [],
): NamedItem {
  const set = setExpression({ ...changes, version: before.version + 1 });
  return {
    name: "endpoint",
    item: {
      Update: {
        TableName: db.table,
        Key: recordKey(before.merchantId, endpointSk(before.id)),
        UpdateExpression: `${set.UpdateExpression}${remove.length ? ` REMOVE ${remove.map((n) => `#${n}`).join(", ")}` : ""}`,
        ConditionExpression: "#version = :seen",
        ExpressionAttributeNames: {
          ...set.ExpressionAttributeNames,
          "#version": "version",
          ...Object.fromEntries(remove.map((n) => [`#${n}`, n])),
        },
        ExpressionAttributeValues: { ...set.ExpressionAttributeValues, ":seen": before.version },
      },
    },
  };
}

/** Deletes the endpoint; false when there was none. Its deliveries stay until their TTL. */
export async function deleteEndpoint(db: Db, merchantId: string, endpointId: string): Promise<boolean> {
  try {
    await db.client.send(
      new DeleteCommand({
        TableName: db.table,
        Key: recordKey(merchantId, endpointSk(endpointId)),
        ConditionExpression: "attribute_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * An attempt's effect on the endpoint's failure run: a failure counts (and starts the run), a success
 * ends it. The endpoint as it is after; undefined when it was deleted meanwhile.
 */
export async function recordEndpointOutcome(
  db: Db,
  endpoint: Pick<WebhookEndpoint, "merchantId" | "id">,
  succeeded: boolean,
  at: string,
): Promise<WebhookEndpoint | undefined> {
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: recordKey(endpoint.merchantId, endpointSk(endpoint.id)),
        UpdateExpression: succeeded
          ? "SET consecutiveFailures = :zero REMOVE failingSince"
          : "SET consecutiveFailures = if_not_exists(consecutiveFailures, :zero) + :one, failingSince = if_not_exists(failingSince, :at)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: succeeded ? { ":zero": 0 } : { ":zero": 0, ":one": 1, ":at": at },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes ? recordFromItem<WebhookEndpoint>(Attributes) : undefined;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** Switches an enabled endpoint off; true only for the one call that did (which then tells the owner). */
export async function disableEndpoint(
  db: Db,
  endpoint: Pick<WebhookEndpoint, "merchantId" | "id">,
  reason: "failing" | "gone",
  at: string,
): Promise<boolean> {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: recordKey(endpoint.merchantId, endpointSk(endpoint.id)),
        UpdateExpression:
          "SET enabled = :off, disabledReason = :reason, disabledAt = :at, updatedAt = :at, version = version + :one",
        ConditionExpression: "attribute_exists(pk) AND enabled = :on",
        ExpressionAttributeValues: { ":off": false, ":on": true, ":reason": reason, ":at": at, ":one": 1 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * The item a stream record's event comes from (an entry, a profile, a redemption, a claim), read back
 * consistently; those items' stores own them, this only reads them for their webhook's payload.
 */
export async function readEventItem(
  db: Db,
  key: { pk: string; sk: string },
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }),
  );
  return Item;
}

// Deliveries.

/**
 * Writes a new delivery, pending and due at `dueAt`; false when it exists already (a stream record seen
 * again), in which case nothing changes.
 */
export async function putNewDelivery(db: Db, delivery: WebhookDelivery, dueAt: string): Promise<boolean> {
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: {
          ...deliveryKey(delivery.merchantId, delivery.endpointId, delivery.id),
          ...delivery,
          nextAttemptAt: dueAt,
          ...dueKeys(delivery, dueAt),
          ttl: ttlOf(delivery.createdAt),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export async function readDelivery(
  db: Db,
  merchantId: string,
  endpointId: string,
  id: string,
): Promise<WebhookDelivery | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: deliveryKey(merchantId, endpointId, id),
      ConsistentRead: true,
    }),
  );
  return Item ? deliveryOf(Item) : undefined;
}

/**
 * Takes the next attempt of a delivery: bumps `attempts` (and `round`, or restarts it with `restart`) on
 * condition nobody took one since `seen` was read, and moves its due time to the lease's end, so that an
 * attempt that dies half-way is taken again by the retry job then. The delivery as claimed, or undefined.
 */
export async function claimAttempt(
  db: Db,
  seen: WebhookDelivery,
  leaseUntil: string,
  options: { restart?: boolean; requirePending: boolean },
): Promise<WebhookDelivery | undefined> {
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: deliveryKey(seen.merchantId, seen.endpointId, seen.id),
        UpdateExpression: `SET attempts = :next, #round = ${options.restart ? ":one" : "#round + :one"}, #status = :pending, nextAttemptAt = :lease, gsi5pk = :duePk, gsisk = :dueSk`,
        ConditionExpression: `attempts = :seen${options.requirePending ? " AND #status = :pending" : ""}`,
        ExpressionAttributeNames: { "#round": "round", "#status": "status" },
        ExpressionAttributeValues: {
          ":next": seen.attempts + 1,
          ":seen": seen.attempts,
          ":one": 1,
          ":pending": "pending",
          ":lease": leaseUntil,
          ":duePk": dueKeys(seen, leaseUntil).gsi5pk,
          ":dueSk": dueKeys(seen, leaseUntil).gsisk,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes ? deliveryOf(Attributes) : undefined;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

export interface AttemptRecord {
  at: string;
  statusCode?: number;
  error?: string;
  /** Pending again at this time, or settled (delivered or failed for good). */
  next: { status: "pending"; at: string } | { status: "delivered" | "failed" };
}

/**
 * The outcome of the attempt `claimed` stands for, on condition no later attempt was claimed since (its
 * lease ran out and another took over: that one's outcome is the one kept).
 */
export async function recordAttempt(
  db: Db,
  claimed: WebhookDelivery,
  record: AttemptRecord,
): Promise<boolean> {
  const pending = record.next.status === "pending" ? record.next : undefined;
  const values: Record<string, unknown> = {
    status: record.next.status,
    lastAttemptAt: record.at,
    ...(pending
      ? { nextAttemptAt: pending.at, ...dueKeys(claimed, pending.at) }
      : record.next.status === "delivered"
        ? { deliveredAt: record.at }
        : {}),
  };
  const removed = [
    ...(record.statusCode === undefined ? ["lastStatusCode"] : []),
    ...(record.error === undefined ? ["lastError"] : []),
    ...(pending ? [] : ["nextAttemptAt", "gsi5pk", "gsisk"]),
  ];
  const set = setExpression({ ...values, lastStatusCode: record.statusCode, lastError: record.error });
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: deliveryKey(claimed.merchantId, claimed.endpointId, claimed.id),
        UpdateExpression: `${set.UpdateExpression}${removed.length ? ` REMOVE ${removed.map((n) => `#${n}`).join(", ")}` : ""}`,
        ConditionExpression: "attempts = :claimed",
        ExpressionAttributeNames: {
          ...set.ExpressionAttributeNames,
          ...Object.fromEntries(removed.map((n) => [`#${n}`, n])),
        },
        ExpressionAttributeValues: { ...set.ExpressionAttributeValues, ":claimed": claimed.attempts },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export interface DeliveryPage {
  deliveries: Omit<WebhookDelivery, "payload">[];
  /** The sort key to continue before, for the next page's cursor. */
  before?: string;
}

/** A page of an endpoint's deliveries, newest first, without their payloads. */
export async function listDeliveries(
  db: Db,
  merchantId: string,
  endpointId: string,
  limit: number,
  beforeId?: string,
): Promise<DeliveryPage> {
  const pk = deliveriesPk(merchantId, endpointId);
  const page = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": pk, ":prefix": DELIVERY_PREFIX },
      ...(beforeId ? { ExclusiveStartKey: deliveryKey(merchantId, endpointId, beforeId) } : {}),
      ProjectionExpression:
        "merchantId, endpointId, id, eventType, occurredAt, #status, attempts, #round, lastAttemptAt, lastStatusCode, lastError, nextAttemptAt, deliveredAt, createdAt",
      ExpressionAttributeNames: { "#status": "status", "#round": "round" },
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  const deliveries = (page.Items ?? []).map((item) => deliveryOf(item));
  const last = deliveries.at(-1);
  return { deliveries, ...(page.LastEvaluatedKey && last ? { before: last.id } : {}) };
}

/** A delivery the due index says is due: enough to read it. */
export interface DueDelivery {
  merchantId: string;
  endpointId: string;
  id: string;
  dueAt: string;
}

/** A page of one shard of the pending retries due by `now` (oldest due first). */
export async function readDueDeliveries(
  db: Db,
  shard: number,
  now: string,
  startKey?: Record<string, unknown>,
): Promise<{ due: DueDelivery[]; next?: Record<string, unknown> }> {
  const page = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "gsi5",
      KeyConditionExpression: "gsi5pk = :pk AND gsisk <= :to",
      ExpressionAttributeValues: { ":pk": `WEBHOOK_DUE#${shard}`, ":to": `${now}#\uffff` },
      ExclusiveStartKey: startKey,
      Limit: 100,
    }),
  );
  const due = (page.Items ?? []).map((item) => {
    const [dueAt = "", merchantId = "", endpointId = "", id = ""] = String(item.gsisk).split("#");
    return { dueAt, merchantId, endpointId, id };
  });
  return { due, ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
}

export const STORED_ITEMS = [
  { type: "webhook-endpoint", sk: "WEBHOOK#<id>", indexes: [] },
  { type: "webhook-delivery", sk: "WEBHOOK_DELIVERY#<webhook-id>", indexes: ["gsi5"], ttl: true },
] as const satisfies readonly StoredItemType[];
