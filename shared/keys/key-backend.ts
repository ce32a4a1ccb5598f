import type { Clock } from "../clock.ts";
import type { Db } from "../store/db/client.ts";
import { kmsKeyBackend } from "./kms-key-backend.ts";
import { tableKeyBackend } from "./table-key-backend.ts";

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface Ed25519PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
}

/**
 * What a key signs: statements (published at /v1/merchants/{id}/jwks.json) or portal links (checked by
 * us only). Separate keys, so a signature made for one purpose can never pass for the other.
 */
export type KeyPurpose = "statement" | "portal";

/**
 * Where merchants' private Ed25519 keys are made, kept and used. Only a reference to a key ever leaves it,
 * so an implementation may keep keys where they sign but can never be read out.
 *
 * - AWS: `kmsKeyBackend`, one KMS key per merchant and purpose (ref = the key ARN).
 * - Local stack: `tableKeyBackend`, private JWKs as items of the table (DynamoDB Local only).
 */
export interface KeyBackend {
  create(merchantId: string, purpose: KeyPurpose): Promise<{ ref: string; publicJwk: Ed25519PublicJwk }>;
  sign(merchantId: string, ref: string, data: Uint8Array): Promise<Uint8Array>;
  /** Discards a key no key ring names any more (it fell off after rotations, or lost a first-use race). */
  retire(merchantId: string, ref: string): Promise<void>;
}

/**
 * The backend this deployment uses, chosen here and nowhere else: the local stack (DYNAMODB_ENDPOINT
 * set) keeps keys in its throwaway table; everywhere else keys live in KMS, never where a reader of the
 * table could see them.
 */
export function keyBackend(db: Db, clock: Clock, env: NodeJS.ProcessEnv = process.env): KeyBackend {
  return env.DYNAMODB_ENDPOINT ? tableKeyBackend(db, clock) : kmsKeyBackend();
}

let memo: { db: Db; backend: KeyBackend } | undefined;

/** One backend per container: the table backend keeps the keys it loaded, the KMS one its connection. */
export function runtimeKeyBackend(db: Db, clock: Clock): KeyBackend {
  if (memo?.db !== db) memo = { db, backend: keyBackend(db, clock) };
  return memo.backend;
}
