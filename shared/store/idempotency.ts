import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { DomainError } from "../errors.ts";
import type { Idempotency } from "../idempotency.ts";
import type { Db } from "./db/client.ts";
import type { StoredItemType } from "./db/item-types.ts";
import type { NamedItem } from "./db/transact.ts";

/** How long a key is remembered: a scanner app retrying after a week is no longer the same request. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

export const idempotencyRecordKey = (merchantId: string, idempotencyKey: string) => ({
  pk: `MERCHANT#${merchantId}#IDEMPOTENCY#${idempotencyKey}`,
  sk: "#IDEMPOTENCY",
});

/** A result stored with its key; the handler maps it to HTTP the same way the first time and on replay. */
export interface StoredResult {
  result: unknown;
}

/** The earlier result for this key, undefined if the key is new; refuses a key reused for another request. */
export async function findStoredResult(
  db: Db,
  merchantId: string,
  idempotency: Idempotency,
): Promise<StoredResult | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: idempotencyRecordKey(merchantId, idempotency.key),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  if (Item.fingerprint !== idempotency.fingerprint) {
    throw new DomainError(
      "idempotency-key-reuse",
      "This Idempotency-Key was already used for a different request.",
    );
  }
  return { result: JSON.parse(Item.result as string) };
}

/** The record that claims the key, written in the same transaction as the change it guards. */
export function claimKeyItem(
  db: Db,
  merchantId: string,
  idempotency: Idempotency,
  result: unknown,
  now: Date,
): NamedItem {
  return {
    name: "idempotency",
    item: {
      Put: {
        TableName: db.table,
        Item: {
          ...idempotencyRecordKey(merchantId, idempotency.key),
          fingerprint: idempotency.fingerprint,
          result: JSON.stringify(result ?? null),
          createdAt: now.toISOString(),
          ttl: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

export const STORED_ITEMS = [
  { type: "idempotency-record", sk: "#IDEMPOTENCY", indexes: [], ttl: true },
] as const satisfies readonly StoredItemType[];
