import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { merchantPk, privateKeySk } from "../db/keys.ts";
import { newId } from "../ids.ts";

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface Ed25519PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
}

/**
 * Where merchants' private Ed25519 keys are made, kept and used. Only a reference to a key ever leaves it,
 * so an implementation may keep keys where they sign but can never be read out.
 *
 * - Local stack: `tableKeyBackend`, private JWKs as items of the table (DynamoDB Local only).
 * - AWS (not written yet; the functions fail closed until it is): one KMS key per merchant and purpose,
 *   KeySpec ECC_NIST_EDWARDS25519, KeyUsage SIGN_VERIFY. `create` = CreateKey (tagged with the merchant id)
 *   + GetPublicKey (DER SubjectPublicKeyInfo: its last 32 bytes, base64url, are `x`), ref = the key ARN;
 *   `sign` = Sign with SigningAlgorithm ED25519_SHA_512 and MessageType RAW (our JWS signing inputs stay far
 *   below KMS's 4 KB message limit: statements sign a digest). The functions that issue statements or portal
 *   links need kms:CreateKey, kms:TagResource, kms:GetPublicKey and kms:Sign (the last two scoped by the
 *   tag); verification needs no KMS call, as the public keys are stored with the key ring.
 */
export interface KeyBackend {
  create(merchantId: string): Promise<{ ref: string; publicJwk: Ed25519PublicJwk }>;
  sign(merchantId: string, ref: string, data: Uint8Array): Promise<Uint8Array>;
}

/** Private keys in the table: for the local stack and tests only, where the table is a throwaway. */
export function tableKeyBackend(db: Db, clock: Clock): KeyBackend {
  const loaded = new Map<string, KeyObject>();
  return {
    async create(merchantId) {
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      const ref = newId("key");
      await db.client.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            pk: merchantPk(merchantId),
            sk: privateKeySk(ref),
            jwk: privateKey.export({ format: "jwk" }),
            createdAt: clock().toISOString(),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      const { x } = publicKey.export({ format: "jwk" });
      return { ref, publicJwk: { kty: "OKP", crv: "Ed25519", x: x as string } };
    },
    async sign(merchantId, ref, data) {
      const cacheKey = `${merchantId}/${ref}`;
      let key = loaded.get(cacheKey);
      if (!key) {
        const { Item } = await db.client.send(
          new GetCommand({
            TableName: db.table,
            Key: { pk: merchantPk(merchantId), sk: privateKeySk(ref) },
            ConsistentRead: true,
          }),
        );
        if (!Item) throw new Error(`private key ${ref} of merchant ${merchantId} is missing`);
        key = createPrivateKey({ key: Item.jwk, format: "jwk" });
        loaded.set(cacheKey, key);
      }
      // Ed25519 hashes internally: no digest algorithm is named.
      return sign(null, data, key);
    },
  };
}

/**
 * The backend this deployment uses. Only the local stack (DYNAMODB_ENDPOINT set) keeps keys in the table;
 * elsewhere this refuses rather than put private keys where every reader of the table could see them.
 */
export function keyBackend(db: Db, clock: Clock, env: NodeJS.ProcessEnv = process.env): KeyBackend {
  if (env.DYNAMODB_ENDPOINT) return tableKeyBackend(db, clock);
  throw new NoKeyBackendError();
}

/** This deployment cannot sign (yet): what can do without a signature (a pass's portal link) does. */
export class NoKeyBackendError extends Error {
  constructor() {
    super("no signing-key backend is configured for this deployment (see shared/keys/key-backend.ts)");
    this.name = "NoKeyBackendError";
  }
}

let memo: { db: Db; backend: KeyBackend } | undefined;

/** One backend per container, so the keys it loaded stay loaded between invocations. */
export function runtimeKeyBackend(db: Db, clock: Clock): KeyBackend {
  if (memo?.db !== db) memo = { db, backend: keyBackend(db, clock) };
  return memo.backend;
}
