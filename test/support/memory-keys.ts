import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import type { KeyBackend } from "../../shared/keys/key-backend.ts";
import { type KeyRecord, type SigningDeps, toPublicJwk } from "../../shared/keys/signing-keys.ts";

/** Signing keys held in memory, for unit tests that sign without a table. */
export function memoryKeyBackend(): KeyBackend {
  const keys = new Map<string, KeyObject>();
  // A counter, not the map's size: refs stay unique after a retire.
  let made = 0;
  return {
    async create() {
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      const ref = `mem-${++made}`;
      keys.set(ref, privateKey);
      const { x } = publicKey.export({ format: "jwk" });
      return { ref, publicJwk: { kty: "OKP", crv: "Ed25519", x: x as string } };
    },
    async sign(_merchantId, ref, data) {
      const key = keys.get(ref);
      if (!key) throw new Error(`no key ${ref}`);
      return sign(null, data, key);
    },
    async retire(_merchantId, ref) {
      keys.delete(ref);
    },
  };
}

/** Deps for signing (no table is touched) and a fresh key made by the backend, with its JWKS. */
export async function memorySigner(): Promise<{
  deps: SigningDeps;
  key: KeyRecord;
  jwks: { keys: ReturnType<typeof toPublicJwk>[] };
}> {
  const backend = memoryKeyBackend();
  const { ref, publicJwk } = await backend.create("m", "statement");
  const key: KeyRecord = {
    kid: await calculateJwkThumbprint(publicJwk),
    ref,
    x: publicJwk.x,
    createdAt: "2026-01-01T00:00:00.000Z",
  };
  const deps = { db: undefined as never, clock: () => new Date("2026-03-01T12:00:00Z"), backend };
  return { deps, key, jwks: { keys: [toPublicJwk(key)] } };
}
