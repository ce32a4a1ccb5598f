import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import type { Clock } from "../clock.ts";
import { newId } from "../ids.ts";
import type { Db } from "../store/db/client.ts";
import { deletePrivateKey, putPrivateKey, readPrivateKey } from "../store/signing-keys.ts";
import type { KeyBackend } from "./key-backend.ts";

/** Private keys in the table: for the local stack and tests only, where the table is a throwaway. */
export function tableKeyBackend(db: Db, clock: Clock): KeyBackend {
  const loaded = new Map<string, KeyObject>();
  return {
    async create(merchantId) {
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      const ref = newId("key");
      const jwk = privateKey.export({ format: "jwk" }) as Record<string, unknown>;
      await putPrivateKey(db, merchantId, ref, jwk, clock().toISOString());
      const { x } = publicKey.export({ format: "jwk" });
      return { ref, publicJwk: { kty: "OKP", crv: "Ed25519", x: x as string } };
    },
    async sign(merchantId, ref, data) {
      const cacheKey = `${merchantId}/${ref}`;
      let key = loaded.get(cacheKey);
      if (!key) {
        const jwk = await readPrivateKey(db, merchantId, ref);
        if (!jwk) throw new Error(`private key ${ref} of merchant ${merchantId} is missing`);
        key = createPrivateKey({ key: jwk, format: "jwk" });
        loaded.set(cacheKey, key);
      }
      // Ed25519 hashes internally: no digest algorithm is named.
      return sign(null, data, key);
    },
    async retire(merchantId, ref) {
      loaded.delete(`${merchantId}/${ref}`);
      await deletePrivateKey(db, merchantId, ref);
    },
  };
}
