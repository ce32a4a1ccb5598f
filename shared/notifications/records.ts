import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { isConditionFailed } from "../db/contention.ts";
import { customerNotificationsPk, customerPk, deliverySk, notificationSk } from "../db/keys.ts";
import { TABLE } from "../db/table-definition.ts";
import type { Notification } from "./moments.ts";
import { notificationIndexKeys } from "./outbox.ts";

/**
 * A notification's delivery record: the outbox item itself for notifications written to the outbox, a
 * `DELIVERY#<moment>:<entryId>` item for those caused by a ledger entry. It is claimed with a conditional
 * write before anything is sent, so each notification is sent at most once, whatever the stream redelivers.
 *
 * pending → sending → sent | skipped | failed (→ sending again, up to MAX_ATTEMPTS) | dead.
 * A record left `sending` means the function stopped mid-send: whether it went out is unknown, and it is
 * never sent again.
 */
export type NotificationStatus = "pending" | "sending" | "sent" | "skipped" | "failed" | "dead";

export const CHANNELS = ["email", "google_wallet"] as const;
export type Channel = (typeof CHANNELS)[number];

/** rejected: the recipient was refused for good (a bounced address); failed: worth another try. */
export interface ChannelOutcome {
  status: "sent" | "skipped" | "failed" | "rejected";
  /** Why it was skipped, or the error code (never a message: those can quote the address). */
  reason?: string;
  /** Google: whether the message buzzed the phone (TEXT_AND_NOTIFY) or arrived silently. */
  notified?: boolean;
}

export type ChannelOutcomes = Partial<Record<Channel, ChannelOutcome>>;

export interface NotificationRecord {
  merchantId: string;
  customerId: string;
  moment: string;
  dedupeKey: string;
  entryId?: string;
  status: NotificationStatus;
  reason?: string;
  attempts: number;
  channels?: ChannelOutcomes;
  lastError?: string;
  createdAt: string;
  updatedAt?: string;
}

/** After this many tries a failing notification is dead: recorded as such and no longer retried. */
export const MAX_ATTEMPTS = 3;
/** Delivery records are history, not ledger: DynamoDB's TTL removes them after a year. */
const RETENTION_SECONDS = 365 * 24 * 3600;

const OPEN = [":pending", ":failed"].join(", ");
const OPEN_CONDITION = `attribute_not_exists(pk) OR #status IN (${OPEN})`;

export function recordKey(n: Notification) {
  return {
    pk: customerPk(n.merchantId, n.customerId),
    sk:
      n.source.kind === "entry" ? deliverySk(n.facts.moment, n.source.entryId) : notificationSk(n.dedupeKey),
  };
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
    return Attributes as NotificationRecord;
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

export interface AttemptResult {
  status: Exclude<NotificationStatus, "pending" | "sending">;
  channels: ChannelOutcomes;
  reason?: string;
  lastError?: string;
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

/** A notification as staff see it: what, through which channels, how it went; never the message itself. */
export function notificationView(record: NotificationRecord) {
  return {
    id: record.dedupeKey,
    moment: record.moment,
    status: record.status,
    reason: record.reason ?? null,
    attempts: record.attempts,
    channels: CHANNELS.flatMap((channel) => {
      const outcome = record.channels?.[channel];
      return outcome
        ? [
            {
              channel,
              status: outcome.status,
              reason: outcome.reason ?? null,
              notified: outcome.notified ?? null,
            },
          ]
        : [];
    }),
    entryId: record.entryId ?? null,
    lastError: record.lastError ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt ?? null,
  };
}

export type NotificationView = ReturnType<typeof notificationView>;

/** A customer's most recent notifications, newest first. */
export async function listNotifications(
  db: Db,
  merchantId: string,
  customerId: string,
  limit: number,
): Promise<NotificationView[]> {
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
  return Items.map((item) => notificationView(item as NotificationRecord));
}
