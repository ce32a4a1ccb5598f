import { generateKeyPairSync } from "node:crypto";
import type { ServiceAccountKey } from "../../../passes/google/service-account.ts";

export const ISSUER_ID = "3388000000022222222";

// Generated once per test file: RSA key generation is the slowest thing these tests do.
const { publicKey, privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

/** A throwaway RSA service-account key and its public half, for signing checks. */
export function testServiceAccount(tokenUri?: string): { key: ServiceAccountKey; publicKeyPem: string } {
  return {
    key: {
      client_email: "wallet-test@example-project.iam.gserviceaccount.com",
      private_key: privateKey,
      private_key_id: "test-key-1",
      ...(tokenUri ? { token_uri: tokenUri } : {}),
    },
    publicKeyPem: publicKey,
  };
}
