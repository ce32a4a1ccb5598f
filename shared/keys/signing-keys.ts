import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { calculateJwkThumbprint } from "jose";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { merchantPk, signingKeysSk } from "../db/keys.ts";
import { conflict } from "../errors.ts";
import type { Ed25519PublicJwk, KeyBackend } from "./key-backend.ts";

/**
 * Each merchant has one Ed25519 key ring per purpose: statements (published at
 * /v1/merchants/{id}/jwks.json) and portal links (checked by us only). Separate keys, so a signature made
 * for one purpose can never pass for the other. Rotation makes a new current key and keeps the previous one
 * verifiable, so what was signed just before a rotation still checks out.
 */
export type KeyPurpose = "statement" | "portal";

export interface KeyRecord {
  /** RFC 7638 thumbprint of the public key: anyone holding the key can check the id belongs to it. */
  kid: string;
  /** The backend's name for the private key. */
  ref: string;
  x: string;
  createdAt: string;
}

interface KeyRing {
  current: KeyRecord;
  previous?: KeyRecord;
  updatedAt: string;
}

export interface PublicJwk extends Ed25519PublicJwk {
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

export interface SigningDeps {
  db: Db;
  clock: Clock;
  backend: KeyBackend;
}

const ringKey = (merchantId: string, purpose: KeyPurpose) => ({
  pk: merchantPk(merchantId),
  sk: signingKeysSk(purpose),
});

async function readRing(db: Db, merchantId: string, purpose: KeyPurpose): Promise<KeyRing | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: ringKey(merchantId, purpose), ConsistentRead: true }),
  );
  return Item as KeyRing | undefined;
}

async function newKey(deps: SigningDeps, merchantId: string): Promise<KeyRecord> {
  const { ref, publicJwk } = await deps.backend.create(merchantId);
  return {
    kid: await calculateJwkThumbprint(publicJwk),
    ref,
    x: publicJwk.x,
    createdAt: deps.clock().toISOString(),
  };
}

const isConditionFailure = (error: unknown) =>
  (error as { name?: string }).name === "ConditionalCheckFailedException";

/** The key that signs now, made on first use; of two first uses at once, both end up with the winner's. */
export async function currentKey(
  deps: SigningDeps,
  merchantId: string,
  purpose: KeyPurpose,
): Promise<KeyRecord> {
  const ring = await readRing(deps.db, merchantId, purpose);
  if (ring) return ring.current;
  const key = await newKey(deps, merchantId);
  try {
    await deps.db.client.send(
      new PutCommand({
        TableName: deps.db.table,
        Item: { ...ringKey(merchantId, purpose), current: key, updatedAt: key.createdAt },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return key;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const winner = await readRing(deps.db, merchantId, purpose);
    if (!winner) throw error;
    return winner.current;
  }
}

/** A new current key; the current one becomes the previous one and the one before is no longer published. */
export async function rotateKey(
  deps: SigningDeps,
  merchantId: string,
  purpose: KeyPurpose,
): Promise<PublicJwk[]> {
  const ring = await readRing(deps.db, merchantId, purpose);
  if (!ring) {
    await currentKey(deps, merchantId, purpose);
    return publicKeys(deps.db, merchantId, purpose);
  }
  const next = await newKey(deps, merchantId);
  try {
    await deps.db.client.send(
      new UpdateCommand({
        TableName: deps.db.table,
        Key: ringKey(merchantId, purpose),
        UpdateExpression: "SET #current = :next, #previous = :current, updatedAt = :now",
        ConditionExpression: "#current.kid = :kid",
        ExpressionAttributeNames: { "#current": "current", "#previous": "previous" },
        ExpressionAttributeValues: {
          ":next": next,
          ":current": ring.current,
          ":now": next.createdAt,
          ":kid": ring.current.kid,
        },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw conflict("The keys were rotated at the same time; reload them.");
    throw error;
  }
  return publicKeys(deps.db, merchantId, purpose);
}

export const toPublicJwk = (key: KeyRecord): PublicJwk => ({
  kty: "OKP",
  crv: "Ed25519",
  x: key.x,
  kid: key.kid,
  alg: "EdDSA",
  use: "sig",
});

/** The keys a signature may be checked against: the current one, then the previous one; none before first use. */
export async function publicKeys(db: Db, merchantId: string, purpose: KeyPurpose): Promise<PublicJwk[]> {
  const ring = await readRing(db, merchantId, purpose);
  if (!ring) return [];
  return [ring.current, ...(ring.previous ? [ring.previous] : [])].map(toPublicJwk);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * A compact JWS (RFC 7515) over a JSON payload, signed by the backend. Assembled here rather than by jose:
 * a KMS key signs bytes and never hands out a key object that jose could sign with.
 */
export async function signCompactJws(
  deps: SigningDeps,
  merchantId: string,
  key: KeyRecord,
  header: Record<string, unknown>,
  payload: unknown,
): Promise<string> {
  const signingInput = `${base64url({ ...header, alg: "EdDSA", kid: key.kid })}.${base64url(payload)}`;
  const signature = await deps.backend.sign(merchantId, key.ref, Buffer.from(signingInput, "ascii"));
  return `${signingInput}.${Buffer.from(signature).toString("base64url")}`;
}
