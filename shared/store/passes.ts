import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet } from "./db/batch-get.ts";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import type { NamedItem } from "./db/transact.ts";

/**
 * The pass item (PASS#<serial> / #PASS): written at enrolment as a pointer to its member, then holding
 * the update state the pass-updates stream handler keeps. Keeping that state here, and not on the
 * customer's profile, is what keeps the handler from triggering itself: the stream filter only lets
 * profile items through.
 */
export interface PassRecord {
  serialNumber: string;
  merchantId: string;
  customerId: string;
  /**
   * When what the pass shows last changed: whole seconds (HTTP dates have no finer grain), possibly a few
   * seconds ahead of the clock after rapid changes (nextUpdateTime). Absent until the first change.
   * Last-Modified never says more than the response's time (passes/apple/web-service.ts).
   */
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

const PASS_PREFIX = "PASS#";
/** Apple's web service names a pass only by serial number, so this item is global, not under a merchant. */
export const passPk = (serialNumber: string) => `${PASS_PREFIX}${serialNumber}`;
export const passSk = () => "#PASS";
const key = (serialNumber: string) => ({ pk: passPk(serialNumber), sk: passSk() });

function passFromItem(item: Record<string, unknown>): PassRecord {
  const { pk, sk: _sk, ...rest } = item;
  return {
    ...(rest as Omit<PassRecord, "serialNumber">),
    serialNumber: String(pk).slice(PASS_PREFIX.length),
  };
}

/** The enrolment's pass item ("pass"): claimed with the membership, so no two members can ever share a serial. */
export function newPassItem(
  db: Db,
  pass: Pick<PassRecord, "serialNumber" | "merchantId" | "customerId">,
): NamedItem {
  return {
    name: "pass",
    item: {
      Put: {
        TableName: db.table,
        Item: { ...key(pass.serialNumber), merchantId: pass.merchantId, customerId: pass.customerId },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

export async function readPass(
  db: Db,
  serialNumber: string,
  consistent = false,
): Promise<PassRecord | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key(serialNumber), ConsistentRead: consistent }),
  );
  return Item ? passFromItem(Item) : undefined;
}

/** Many passes by serial; those that do not exist are left out. */
export async function readPasses(
  db: Db,
  serialNumbers: readonly string[],
  consistent = false,
): Promise<PassRecord[]> {
  const found = await batchGet(db, serialNumbers.map(key), { consistent });
  return [...found.values()].map(passFromItem);
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

export const STORED_ITEMS = [
  { type: "pass", sk: "#PASS (pk PASS#<serial>)", indexes: [] },
] as const satisfies readonly StoredItemType[];
