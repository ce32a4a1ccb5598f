import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { DomainError } from "../errors.ts";
import type { Idempotency } from "../idempotency.ts";
import type { Db } from "./db/client.ts";
import { getItem } from "./db/get-item.ts";
import type { StoredItemType } from "./db/item-types.ts";
import { customerPk } from "./db/partitions.ts";
import { queryAll } from "./db/query-all.ts";
import type { NamedItem } from "./db/transact.ts";

/** How long a key is remembered: a scanner app retrying after a week is no longer the same request. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

export const idempotencyRecordKey = (merchantId: string, idempotencyKey: string) => ({
  pk: `MERCHANT#${merchantId}#IDEMPOTENCY#${idempotencyKey}`,
  sk: "#IDEMPOTENCY",
});

/**
 * The stored answer: its JSON, brotli-compressed. An earn's answer is most of its record (two hashes, ids,
 * the explanation: about 750 bytes), and compressed (about 400) the record stays well under 1 KB, one
 * write unit, even with a long tier name in the explanation. Quality 6: ~25 µs here, against ~1 ms at 11.
 */
const packResult = (result: unknown): Uint8Array =>
  brotliCompressSync(JSON.stringify(result ?? null), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 6 },
  });
const unpackResult = (stored: unknown): string => brotliDecompressSync(stored as Uint8Array).toString("utf8");

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
  const Item = await getItem(db, idempotencyRecordKey(merchantId, idempotency.key), { consistent: true });
  if (!Item) return undefined;
  if (Item.fingerprint !== idempotency.fingerprint) {
    throw new DomainError(
      "idempotency-key-reuse",
      "This Idempotency-Key was already used for a different request.",
    );
  }
  // Still the key's (the request is not done again), but its answer named a member since erased.
  if (Item.erasedAt !== undefined) {
    throw new DomainError(
      "gone",
      "The answer to this request named a customer who has since been erased; it is no longer kept.",
    );
  }
  return { result: JSON.parse(unpackResult(Item.result)) };
}

/**
 * Where an erasure finds the stored answers that may name the member: one pointer per key under the
 * customer's partition (`IDEMPOTENCY_KEY#<key>`), written with the record and expiring with it. The record
 * itself is found by its key alone, so without the pointer an erasure could not reach it.
 */
const POINTER_PREFIX = "IDEMPOTENCY_KEY#";
/** A result naming more members than this is a batch's (an import's), never one member's answer. */
const MAX_NAMED_CUSTOMERS = 3;
/**
 * The API views' fields that hold what a person typed or is called: a member's name and contacts, a
 * staff note, a claim's description. An answer without any of them set (an earn, an erasure) needs no
 * pointer, which keeps the common writes one item lighter.
 */
const PERSONAL_FIELDS: ReadonlySet<string> = new Set(["name", "phone", "email", "note", "description"]);

/**
 * The members a result names (every `customerId` and `customer.id` in it, a few levels deep: the API's
 * views of an entry, a claim, a redemption, an enrolment) when it also carries a personal field; none
 * otherwise, or past MAX_NAMED_CUSTOMERS.
 */
export function customersNamedBy(result: unknown): string[] {
  const ids = new Set<string>();
  let personal = false;
  const walk = (value: unknown, depth: number) => {
    if (depth > 4 || !value || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const inner of value.slice(0, 20)) walk(inner, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.customerId === "string") ids.add(record.customerId);
    const customer = record.customer as Record<string, unknown> | undefined;
    if (customer && typeof customer.id === "string") ids.add(customer.id);
    for (const [field, inner] of Object.entries(record)) {
      if (PERSONAL_FIELDS.has(field) && typeof inner === "string" && inner !== "") personal = true;
      walk(inner, depth + 1);
    }
  };
  walk(result, 0);
  return personal && ids.size <= MAX_NAMED_CUSTOMERS ? [...ids] : [];
}

/**
 * The key's record and a pointer to it under each member its result names, all in the same transaction as
 * the change they guard.
 */
export function claimKeyItems(
  db: Db,
  merchantId: string,
  idempotency: Idempotency,
  result: unknown,
  now: Date,
): NamedItem[] {
  const ttl = Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS;
  const pointers = customersNamedBy(result).map(
    (customerId, i): NamedItem => ({
      name: `idempotency-pointer-${i}`,
      item: {
        Put: {
          TableName: db.table,
          Item: {
            pk: customerPk(merchantId, customerId),
            sk: `${POINTER_PREFIX}${idempotency.key}`,
            idempotencyKey: idempotency.key,
            createdAt: now.toISOString(),
            ttl,
          },
        },
      },
    }),
  );
  return [claimKeyItem(db, merchantId, idempotency, result, now), ...pointers];
}

/**
 * Erasure's step (shared/customers/erase.ts): every stored answer that names the member and `mentions` one
 * of their personal values loses its result, keeping its fingerprint, so a replay of the key is neither
 * done again nor answered with what the member was (`gone`, 410). Each pointer is then deleted. Idempotent.
 * Returns how many answers were dropped.
 */
export async function forgetStoredResults(
  db: Db,
  merchantId: string,
  customerId: string,
  mentions: (result: string) => boolean,
  now: Date,
): Promise<number> {
  const pk = customerPk(merchantId, customerId);
  const pointers = await queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": pk, ":prefix": POINTER_PREFIX },
    ProjectionExpression: "pk, sk, idempotencyKey",
    ConsistentRead: true,
  });
  let forgotten = 0;
  for (const pointer of pointers) {
    const Key = idempotencyRecordKey(merchantId, String(pointer.idempotencyKey));
    const { Item } = await db.client.send(new GetCommand({ TableName: db.table, Key, ConsistentRead: true }));
    if (Item && Item.erasedAt === undefined && mentions(unpackResult(Item.result))) {
      await db.client.send(
        new UpdateCommand({
          TableName: db.table,
          Key,
          UpdateExpression: "SET erasedAt = :now REMOVE #result",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#result": "result" },
          ExpressionAttributeValues: { ":now": now.toISOString() },
        }),
      );
      forgotten += 1;
    }
    await db.client.send(new DeleteCommand({ TableName: db.table, Key: { pk: pointer.pk, sk: pointer.sk } }));
  }
  return forgotten;
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
          result: packResult(result),
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
  { type: "idempotency-pointer", sk: "IDEMPOTENCY_KEY#<key>", indexes: [], ttl: true },
] as const satisfies readonly StoredItemType[];
