import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Notification } from "../../notifications/moments.ts";
import type { AttemptResult, NotificationRecord } from "../../notifications/records.ts";
import { itemsOf } from "../db/batch-get.ts";
import type { Db } from "../db/client.ts";
import { isConditionFailed } from "../db/contention.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import { TABLE } from "../db/table-definition.ts";
import { customerNotificationsPk, notificationIndexKeys, notificationSk } from "./outbox.ts";

/**
 * Delivery records (see shared/notifications/records.ts for the states): the outbox item itself for
 * notifications written to the outbox, a `DELIVERY#<moment>:<entryId>` item for those caused by a ledger
 * entry (the entry is their outbox), one per Moment and entry, so a redelivered stream record finds it
 * and sends nothing twice. Each change is a conditional write on the status it moves from.
 */

/** Delivery records are history, not ledger: DynamoDB's TTL removes them after a year. */
const RETENTION_SECONDS = 365 * 24 * 3600;

export const deliverySk = (moment: string, entryId: string) => `DELIVERY#${moment}:${entryId}`;

const OPEN = [":pending", ":failed"].join(", ");
const OPEN_CONDITION = `attribute_not_exists(pk) OR #status IN (${OPEN})`;

function recordKey(n: Notification) {
  return {
    pk: customerPk(n.merchantId, n.customerId),
    sk:
      n.source.kind === "entry" ? deliverySk(n.facts.moment, n.source.entryId) : notificationSk(n.dedupeKey),
  };
}

function recordOf(item: Record<string, unknown>): NotificationRecord {
  const { pk: _pk, sk: _sk, gsi2pk: _g2, gsisk: _s2, [TABLE.ttlAttribute]: _ttl, ...record } = item;
  return record as unknown as NotificationRecord;
}

/** What describes the notification, set on first touch only (an outbox item has them already). */
function describe(n: Notification) {
  const values: Record<string, unknown> = {
    merchantId: n.merchantId,
    customerId: n.customerId,
    moment: n.facts.moment,
    dedupeKey: n.dedupeKey,
    createdAt: n.createdAt,
    ...notificationIndexKeys(n.merchantId, n.customerId, n.createdAt, n.dedupeKey),
    ...(n.source.kind === "entry" ? { entryId: n.source.entryId } : {}),
    [TABLE.ttlAttribute]: Math.floor(Date.parse(n.createdAt) / 1000) + RETENTION_SECONDS,
  };
  const names = Object.keys(values);
  return {
    sets: names.map((_name, i) => `#d${i} = if_not_exists(#d${i}, :d${i})`),
    names: Object.fromEntries(names.map((name, i) => [`#d${i}`, name])),
    values: Object.fromEntries(names.map((name, i) => [`:d${i}`, values[name]])),
  };
}

/**
 * Takes the notification for one delivery attempt: creates its record, or takes it back from pending
 * or failed, counting the attempt. Undefined when it is not open (sent, skipped, dead, or being sent).
 */
export async function claimRecord(
  db: Db,
  n: Notification,
  now: Date,
): Promise<NotificationRecord | undefined> {
  const base = describe(n);
  try {
    const { Attributes } = await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: recordKey(n),
        UpdateExpression: [
          "SET #status = :sending, attempts = if_not_exists(attempts, :zero) + :one, updatedAt = :now",
          ...base.sets,
        ].join(", "),
        ConditionExpression: OPEN_CONDITION,
        ExpressionAttributeNames: { "#status": "status", ...base.names },
        ExpressionAttributeValues: {
          ":sending": "sending",
          ":pending": "pending",
          ":failed": "failed",
          ":zero": 0,
          ":one": 1,
          ":now": now.toISOString(),
          ...base.values,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return recordOf(Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** Records a notification nobody is to be told of (the Moment is switched off), unless it was settled already. */
export async function skipRecord(db: Db, n: Notification, reason: string, now: Date): Promise<void> {
  const base = describe(n);
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: recordKey(n),
        UpdateExpression: [
          "SET #status = :skipped, #reason = :reason, attempts = if_not_exists(attempts, :zero), updatedAt = :now",
          ...base.sets,
        ].join(", "),
        ConditionExpression: OPEN_CONDITION,
        ExpressionAttributeNames: { "#status": "status", "#reason": "reason", ...base.names },
        ExpressionAttributeValues: {
          ":skipped": "skipped",
          ":pending": "pending",
          ":failed": "failed",
          ":reason": reason,
          ":zero": 0,
          ":now": now.toISOString(),
          ...base.values,
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Writes an attempt's result, on condition that the record is still this attempt's. */
export async function finishRecord(
  db: Db,
  n: Notification,
  attempt: number,
  result: AttemptResult,
  now: Date,
): Promise<void> {
  const sets = ["#status = :status", "channels = :channels", "updatedAt = :now"];
  const removes: string[] = [];
  const values: Record<string, unknown> = {
    ":status": result.status,
    ":channels": result.channels,
    ":now": now.toISOString(),
    ":sending": "sending",
    ":attempt": attempt,
  };
  for (const name of ["reason", "lastError"] as const) {
    const value = result[name];
    if (value === undefined) removes.push(`#${name}`);
    else {
      sets.push(`#${name} = :${name}`);
      values[`:${name}`] = value;
    }
  }
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: recordKey(n),
      UpdateExpression: `SET ${sets.join(", ")}${removes.length > 0 ? ` REMOVE ${removes.join(", ")}` : ""}`,
      ConditionExpression: "#status = :sending AND attempts = :attempt",
      ExpressionAttributeNames: { "#status": "status", "#reason": "reason", "#lastError": "lastError" },
      ExpressionAttributeValues: values,
    }),
  );
}

/** A customer's most recent notifications (delivery records and outbox items), newest first. */
export async function readRecentRecords(
  db: Db,
  merchantId: string,
  customerId: string,
  limit: number,
): Promise<NotificationRecord[]> {
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": customerNotificationsPk(merchantId, customerId) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  // The index holds keys (and a few entry attributes): the records themselves are read by key.
  return (await itemsOf(db, Items)).map(recordOf);
}

export const STORED_ITEMS = [
  { type: "notification-delivery", sk: "DELIVERY#<moment>:<entryId>", indexes: ["gsi2"], ttl: true },
] as const satisfies readonly StoredItemType[];
