import { calculateJwkThumbprint } from "jose";
import type { Clock } from "../clock.ts";
import { conflict } from "../errors.ts";
import { logger } from "../logger.ts";
import type { Db } from "../store/db/client.ts";
import { createKeyRing, type KeyRecord, readKeyRing, rotateKeyRing } from "../store/signing-keys.ts";
import type { Ed25519PublicJwk, KeyBackend, KeyPurpose } from "./key-backend.ts";

export type { KeyPurpose, KeyRecord };

/**
 * Each merchant has one Ed25519 key ring per purpose (see `KeyPurpose`). Rotation makes a new current key
 * and keeps the previous one verifiable, so what was signed just before a rotation still checks out; the
 * key before that is retired by the backend. The ring holds the public keys, so verifying needs no backend.
 */

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

async function newKey(deps: SigningDeps, merchantId: string, purpose: KeyPurpose): Promise<KeyRecord> {
  const { ref, publicJwk } = await deps.backend.create(merchantId, purpose);
  return {
    kid: await calculateJwkThumbprint(publicJwk),
    ref,
    x: publicJwk.x,
    createdAt: deps.clock().toISOString(),
  };
}

/**
 * Retires a key no ring names. Never fails the request that signed or rotated: a key left behind only
 * costs money (a KMS key is billed monthly), so it is logged for someone to delete by hand.
 */
async function retireQuietly(deps: SigningDeps, merchantId: string, key: KeyRecord): Promise<void> {
  try {
    await deps.backend.retire(merchantId, key.ref);
  } catch (error) {
    logger.warn("signing key not retired; schedule its deletion by hand", {
      merchantId,
      kid: key.kid,
      keyRef: key.ref,
      errorName: (error as Error).name,
    });
  }
}

/**
 * The key that signs now, made on first use. Of two first uses at once (two containers), the ring's
 * conditional write lets one key in; the other is retired and both sign with the winner's.
 */
export async function currentKey(
  deps: SigningDeps,
  merchantId: string,
  purpose: KeyPurpose,
): Promise<KeyRecord> {
  const ring = await readKeyRing(deps.db, merchantId, purpose);
  if (ring) return ring.current;
  const key = await newKey(deps, merchantId, purpose);
  if (await createKeyRing(deps.db, merchantId, purpose, key)) return key;
  await retireQuietly(deps, merchantId, key);
  const winner = await readKeyRing(deps.db, merchantId, purpose);
  if (!winner) throw new Error(`the ${purpose} key ring of merchant ${merchantId} vanished`);
  return winner.current;
}

/**
 * A new current key; the current one becomes the previous one, and the one before is no longer published
 * and is retired.
 */
export async function rotateKey(
  deps: SigningDeps,
  merchantId: string,
  purpose: KeyPurpose,
): Promise<PublicJwk[]> {
  const ring = await readKeyRing(deps.db, merchantId, purpose);
  if (!ring) {
    await currentKey(deps, merchantId, purpose);
    return publicKeys(deps.db, merchantId, purpose);
  }
  const next = await newKey(deps, merchantId, purpose);
  // Another rotation won, so no ring names `next`. After any other failure (thrown) the write may still
  // have landed: `next` is kept then, as retiring a current key would stop the merchant signing.
  if (!(await rotateKeyRing(deps.db, merchantId, purpose, ring.current, next))) {
    await retireQuietly(deps, merchantId, next);
    throw conflict("The keys were rotated at the same time; reload them.");
  }
  if (ring.previous) await retireQuietly(deps, merchantId, ring.previous);
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
  const ring = await readKeyRing(db, merchantId, purpose);
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
