import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import { merchantPk } from "./db/partitions.ts";

/**
 * A merchant's Ed25519 key rings, one per purpose (`#SIGNING_KEYS#<purpose>`): the public half of the
 * current and previous keys, with the backend's name for each private key. On the local stack only, the
 * private keys themselves are items too (`PRIVATE_KEY#<ref>`, see shared/keys/table-key-backend.ts).
 */

export interface KeyRecord {
  /** RFC 7638 thumbprint of the public key: anyone holding the key can check the id belongs to it. */
  kid: string;
  /** The backend's name for the private key. */
  ref: string;
  x: string;
  createdAt: string;
}

export interface KeyRing {
  current: KeyRecord;
  previous?: KeyRecord;
  updatedAt: string;
}

const ringSk = (purpose: string) => `#SIGNING_KEYS#${purpose}`;
const ringKey = (merchantId: string, purpose: string) => ({
  pk: merchantPk(merchantId),
  sk: ringSk(purpose),
});

/** Read consistently: a key just made or rotated is the one to sign with. */
export async function readKeyRing(db: Db, merchantId: string, purpose: string): Promise<KeyRing | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: ringKey(merchantId, purpose), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...ring } = Item;
  return ring as KeyRing;
}

/** The ring's first key; false when another writer made the ring first. */
export async function createKeyRing(db: Db, merchantId: string, purpose: string, key: KeyRecord) {
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...ringKey(merchantId, purpose), current: key, updatedAt: key.createdAt },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** `next` becomes current and the current key previous; false when another rotation moved the ring first. */
export async function rotateKeyRing(
  db: Db,
  merchantId: string,
  purpose: string,
  current: KeyRecord,
  next: KeyRecord,
) {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: ringKey(merchantId, purpose),
        UpdateExpression: "SET #current = :next, #previous = :current, updatedAt = :now",
        ConditionExpression: "#current.kid = :kid",
        ExpressionAttributeNames: { "#current": "current", "#previous": "previous" },
        ExpressionAttributeValues: {
          ":next": next,
          ":current": current,
          ":now": next.createdAt,
          ":kid": current.kid,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

const privateKeyKey = (merchantId: string, ref: string) => ({
  pk: merchantPk(merchantId),
  sk: `PRIVATE_KEY#${ref}`,
});

/** A private key as a JWK; for the local stack's throwaway table only. */
export async function putPrivateKey(
  db: Db,
  merchantId: string,
  ref: string,
  jwk: Record<string, unknown>,
  createdAt: string,
): Promise<void> {
  await db.client.send(
    new PutCommand({
      TableName: db.table,
      Item: { ...privateKeyKey(merchantId, ref), jwk, createdAt },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
}

export async function readPrivateKey(
  db: Db,
  merchantId: string,
  ref: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: privateKeyKey(merchantId, ref), ConsistentRead: true }),
  );
  return Item?.jwk as Record<string, unknown> | undefined;
}

export async function deletePrivateKey(db: Db, merchantId: string, ref: string): Promise<void> {
  await db.client.send(new DeleteCommand({ TableName: db.table, Key: privateKeyKey(merchantId, ref) }));
}

export const STORED_ITEMS = [
  { type: "signing-key-ring", sk: "#SIGNING_KEYS#<purpose>", indexes: [] },
  { type: "private-key", sk: "PRIVATE_KEY#<ref>", indexes: [] },
] as const satisfies readonly StoredItemType[];
