import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { merchantPk, privateKeySk } from "../db/keys.ts";
import { newId } from "../ids.ts";
import type { KeyBackend } from "./key-backend.ts";

/** Private keys in the table: for the local stack and tests only, where the table is a throwaway. */
export function tableKeyBackend(db: Db, clock: Clock): KeyBackend {
  const loaded = new Map<string, KeyObject>();
  const itemKey = (merchantId: string, ref: string) => ({
    pk: merchantPk(merchantId),
    sk: privateKeySk(ref),
  });
  return {
    async create(merchantId) {
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      const ref = newId("key");
      await db.client.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...itemKey(merchantId, ref),
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
          new GetCommand({ TableName: db.table, Key: itemKey(merchantId, ref), ConsistentRead: true }),
        );
        if (!Item) throw new Error(`private key ${ref} of merchant ${merchantId} is missing`);
        key = createPrivateKey({ key: Item.jwk, format: "jwk" });
        loaded.set(cacheKey, key);
      }
      // Ed25519 hashes internally: no digest algorithm is named.
      return sign(null, data, key);
    },
    async retire(merchantId, ref) {
      loaded.delete(`${merchantId}/${ref}`);
      await db.client.send(new DeleteCommand({ TableName: db.table, Key: itemKey(merchantId, ref) }));
    },
  };
}
