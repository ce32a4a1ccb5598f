import { createHash } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import canonicalize from "canonicalize";
import type { Db } from "./db/client.ts";
import { idempotencyPk, idempotencySk } from "./db/keys.ts";
import { DomainError, ValidationError } from "./errors.ts";

/** How long a key is remembered: a scanner app retrying after a day is no longer the same request. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

const KEY = /^[\x21-\x7e]{1,255}$/;

export interface Idempotency {
  key: string;
  /** Hash of the operation and its input: the same key with another request is refused. */
  fingerprint: string;
}

/** A response stored with its key, replayed as it was the first time. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export function idempotencyFrom(header: string | undefined, operation: string, input: unknown): Idempotency {
  if (header === undefined || header === "") {
    throw ValidationError.field("header.Idempotency-Key", "is required on this request");
  }
  if (!KEY.test(header)) {
    throw ValidationError.field("header.Idempotency-Key", "must be 1 to 255 visible ASCII characters");
  }
  const canonical = canonicalize({ operation, input }) ?? "";
  return { key: header, fingerprint: createHash("sha256").update(canonical).digest("hex") };
}

/** The earlier response for this key, undefined if the key is new; refuses a key reused for another request. */
export async function findStoredResponse(
  db: Db,
  merchantId: string,
  idempotency: Idempotency,
): Promise<StoredResponse | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: idempotencyPk(merchantId, idempotency.key), sk: idempotencySk() },
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
  return { status: Item.status as number, body: JSON.parse(Item.response as string) };
}

/** The record that claims the key, written in the same transaction as the change it guards. */
export function storeResponseItem(
  db: Db,
  merchantId: string,
  idempotency: Idempotency,
  response: StoredResponse,
  now: Date,
) {
  return {
    Put: {
      TableName: db.table,
      Item: {
        pk: idempotencyPk(merchantId, idempotency.key),
        sk: idempotencySk(),
        fingerprint: idempotency.fingerprint,
        status: response.status,
        response: JSON.stringify(response.body),
        createdAt: now.toISOString(),
        ttl: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}
