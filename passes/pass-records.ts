import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../shared/db/client.ts";
import { isConditionFailed } from "../shared/db/contention.ts";
import { passPk, passSk } from "../shared/db/keys.ts";

/**
 * A pass, as the pointer item written at enrolment (PASS#<serial> / #PASS) holds it, plus the update
 * state the stream handler keeps there. Keeping that state here, and not on the customer's profile,
 * is what keeps the handler from triggering itself: the stream filter only lets profile items through.
 */
export interface PassRecord {
  serialNumber: string;
  merchantId: string;
  customerId: string;
  /** When what the pass shows last changed: whole seconds (HTTP dates have no finer grain). Absent until the first change. */
  updatedAt?: string;
  /** Apple's update tag (`lastUpdated`): updatedAt in epoch seconds, as a string. */
  updateTag?: string;
  /** Stream position (padded sequence number) up to which each channel has delivered this pass. */
  appleSeq?: string;
  googleSeq?: string;
  /** Set once the Google loyalty object exists. */
  googleObjectAt?: string;
  /** Times of Google's notifying updates still inside the quota window (passes/google/notify-quota.ts). */
  googleNotifiedAt?: string[];
}

export type DeliveryChannel = "apple" | "google";

const key = (serialNumber: string) => ({ pk: passPk(serialNumber), sk: passSk() });

export async function readPass(
  db: Db,
  serialNumber: string,
  consistent = false,
): Promise<PassRecord | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key(serialNumber), ConsistentRead: consistent }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = Item;
  return { ...(rest as Omit<PassRecord, "serialNumber">), serialNumber };
}

/** The pass's update time as a tag: epoch seconds, a string, as Apple's devices need (an integer makes them skip the fetch). */
export const updateTagOf = (updatedAt: string) => String(Math.floor(Date.parse(updatedAt) / 1000));

/**
 * The pass's next update time: now, to the second, but always at least a second after the previous
 * one, so that a fetch with If-Modified-Since never misses a change made within the same second.
 */
export function nextUpdateTime(previous: string | undefined, now: Date): string {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const after = previous === undefined ? 0 : Math.floor(Date.parse(previous) / 1000) + 1;
  return new Date(Math.max(nowSeconds, after) * 1000).toISOString();
}

/**
 * Moves the pass's update time (and tag) forward. Conditional on the time read, so two writers
 * cannot both move it to the same second; the loser reads again.
 */
export async function bumpPass(db: Db, pass: PassRecord, now: Date): Promise<PassRecord> {
  let current = pass;
  for (let attempt = 0; attempt < 3; attempt++) {
    const updatedAt = nextUpdateTime(current.updatedAt, now);
    try {
      await db.client.send(
        new UpdateCommand({
          TableName: db.table,
          Key: key(pass.serialNumber),
          UpdateExpression: "SET updatedAt = :at, updateTag = :tag",
          ConditionExpression:
            current.updatedAt === undefined
              ? "attribute_exists(pk) AND attribute_not_exists(updatedAt)"
              : "updatedAt = :previous",
          ExpressionAttributeValues: {
            ":at": updatedAt,
            ":tag": updateTagOf(updatedAt),
            ...(current.updatedAt === undefined ? {} : { ":previous": current.updatedAt }),
          },
        }),
      );
      return { ...current, updatedAt, updateTag: updateTagOf(updatedAt) };
    } catch (error) {
      if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
      const fresh = await readPass(db, pass.serialNumber, true);
      if (!fresh) throw new Error("the pass pointer vanished");
      current = fresh;
    }
  }
  throw new Error("the pass's update time kept moving");
}

/**
 * Records that a channel delivered the pass up to a stream position, with whatever else that channel
 * keeps. Never moves the position back, so a late retry cannot undo a newer delivery.
 */
export async function markDelivered(
  db: Db,
  serialNumber: string,
  channel: DeliveryChannel,
  seq: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const attribute = `${channel}Seq`;
  const names = Object.keys(extra);
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key(serialNumber),
        UpdateExpression: `SET #seq = :seq${names.map((_, i) => `, #x${i} = :x${i}`).join("")}`,
        ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(#seq) OR #seq < :seq)",
        ExpressionAttributeNames: {
          "#seq": attribute,
          ...Object.fromEntries(names.map((name, i) => [`#x${i}`, name])),
        },
        ExpressionAttributeValues: {
          ":seq": seq,
          ...Object.fromEntries(names.map((name, i) => [`:x${i}`, extra[name]])),
        },
      }),
    );
  } catch (error) {
    // Someone delivered a newer position meanwhile: theirs stands.
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
  }
}

/**
 * Takes one of Google's notifying updates for the pass: stores the stamps decideNotify() kept, on
 * condition that nobody stored others since `previous` was read. False when someone did (read again).
 */
export async function takeNotifySlot(
  db: Db,
  serialNumber: string,
  previous: readonly string[] | undefined,
  keep: readonly string[],
): Promise<boolean> {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key(serialNumber),
        UpdateExpression: "SET googleNotifiedAt = :keep",
        ConditionExpression:
          previous === undefined
            ? "attribute_exists(pk) AND attribute_not_exists(googleNotifiedAt)"
            : "googleNotifiedAt = :previous",
        ExpressionAttributeValues: {
          ":keep": keep,
          ...(previous === undefined ? {} : { ":previous": previous }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return false;
  }
}
