import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./db/client.ts";
import type { StoredItemType } from "./db/item-types.ts";
import { queryAll } from "./db/query-all.ts";

/**
 * The expiry job's own items, under `JOB#expiry`: where an interrupted run resumes (`#CHECKPOINT`), and the
 * customers whose expiry failed (`RETRY#<merchant>#<customer>`), which the next run tries first.
 */

const PK = "JOB#expiry";
const CHECKPOINT_SK = "#CHECKPOINT";
const RETRY_PREFIX = "RETRY#";
const retrySk = (merchantId: string, customerId: string) => `${RETRY_PREFIX}${merchantId}#${customerId}`;

/** Where an interrupted run resumes: the first day-shard not finished, and the page within it. */
export interface ExpiryCheckpoint {
  day: string;
  shard: number;
  startKey?: Record<string, unknown>;
}

export interface ExpiryRetry {
  merchantId: string;
  customerId: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  /** The error's class name, never its message (which may carry data). */
  lastError: string;
}

export async function readCheckpoint(db: Db): Promise<ExpiryCheckpoint | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk: PK, sk: CHECKPOINT_SK }, ConsistentRead: true }),
  );
  return Item?.checkpoint as ExpiryCheckpoint | undefined;
}

export async function saveCheckpoint(db: Db, checkpoint: ExpiryCheckpoint): Promise<void> {
  await db.client.send(
    new PutCommand({ TableName: db.table, Item: { pk: PK, sk: CHECKPOINT_SK, checkpoint } }),
  );
}

export async function listRetries(db: Db): Promise<ExpiryRetry[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": PK, ":prefix": RETRY_PREFIX },
    ConsistentRead: true,
  });
  return items as unknown as ExpiryRetry[];
}

export async function recordFailure(
  db: Db,
  merchantId: string,
  customerId: string,
  error: unknown,
  at: Date,
): Promise<void> {
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: { pk: PK, sk: retrySk(merchantId, customerId) },
      UpdateExpression:
        "SET merchantId = :m, customerId = :c, firstFailedAt = if_not_exists(firstFailedAt, :at), lastFailedAt = :at, lastError = :error ADD attempts :one",
      ExpressionAttributeValues: {
        ":m": merchantId,
        ":c": customerId,
        ":at": at.toISOString(),
        ":error": (error as { name?: string } | undefined)?.name ?? "Error",
        ":one": 1,
      },
    }),
  );
}

export async function clearRetry(db: Db, merchantId: string, customerId: string): Promise<void> {
  await db.client.send(
    new DeleteCommand({ TableName: db.table, Key: { pk: PK, sk: retrySk(merchantId, customerId) } }),
  );
}

export const STORED_ITEMS = [
  { type: "expiry-checkpoint", sk: "#CHECKPOINT", indexes: [] },
  { type: "expiry-retry", sk: "RETRY#<merchant>#<customer>", indexes: [] },
] as const satisfies readonly StoredItemType[];
