import { createHash } from "node:crypto";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./db/client.ts";
import type { StoredItemType } from "./db/item-types.ts";

/**
 * Fixed-window counters (`RATE#<scope>#<subject>`, one item per window), for public endpoints a stranger
 * can call. The subject is stored as a hash (of an IP address, an e-mail address), never the values; TTL
 * removes a window's item once it is over.
 */
export interface RateWindow {
  scope: string;
  /** What is counted, e.g. [sourceIp] or [merchantId, "email", address]; only its hash reaches the table. */
  subject: readonly string[];
  /** Window length in seconds; windows start at multiples of it since the epoch. */
  seconds: number;
  limit: number;
}

/**
 * Counts one request in the current window, unless the window already holds `limit`: answers the seconds
 * until the window ends when it does (nothing counted), undefined when the request is within the limit.
 */
export async function countRequest(db: Db, window: RateWindow, now: Date): Promise<number | undefined> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const start = nowSeconds - (nowSeconds % window.seconds);
  const end = start + window.seconds;
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: { pk: `RATE#${window.scope}#${subjectHash(window.subject)}`, sk: `WINDOW#${start}` },
        UpdateExpression: "ADD #count :one SET #ttl = :ttl",
        ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
        ExpressionAttributeNames: { "#count": "count", "#ttl": "ttl" },
        ExpressionAttributeValues: { ":one": 1, ":limit": window.limit, ":ttl": end + 3600 },
      }),
    );
    return undefined;
  } catch (error) {
    if (error instanceof Error && error.name === "ConditionalCheckFailedException") return end - nowSeconds;
    throw error;
  }
}

const subjectHash = (parts: readonly string[]) =>
  createHash("sha256").update(parts.join("\u0000")).digest("hex");

export const STORED_ITEMS = [
  { type: "rate-window", sk: "WINDOW#<start>", indexes: [], ttl: true },
] as const satisfies readonly StoredItemType[];
