import { generateKeyPairSync } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createSaveToGoogleWalletUrl, SAVE_URL_PREFIX } from "../../../passes/google/save-link.ts";
import { ISSUER_ID, testServiceAccount } from "./google-test-keys.ts";

const NOW = new Date("2025-03-01T12:00:00Z");
const objects = [{ id: `${ISSUER_ID}.member-1`, classId: `${ISSUER_ID}.gold` }];
const origins = ["https://loyalty.example.com"];

describe("createSaveToGoogleWalletUrl", () => {
  it("returns a save URL whose JWT verifies with the service account's public key and carries Google's claims", async () => {
    const { key, publicKeyPem } = testServiceAccount();

    const url = await createSaveToGoogleWalletUrl({ serviceAccount: key, origins, objects, now: () => NOW });

    expect(url.startsWith(SAVE_URL_PREFIX)).toBe(true);
    const jwt = url.slice(SAVE_URL_PREFIX.length);
    const { payload } = await jwtVerify(jwt, await importSPKI(publicKeyPem, "RS256"), {
      issuer: key.client_email,
      audience: "google",
      currentDate: NOW,
    });
    expect(payload).toEqual({
      iss: key.client_email,
      aud: "google",
      typ: "savetowallet",
      iat: NOW.getTime() / 1000,
      origins,
      payload: { loyaltyObjects: objects },
    });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "RS256", typ: "JWT", kid: key.private_key_id });
  });

  it("does not verify with another key", async () => {
    const { key } = testServiceAccount();
    const other = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });

    const url = await createSaveToGoogleWalletUrl({ serviceAccount: key, origins, objects, now: () => NOW });

    await expect(
      jwtVerify(url.slice(SAVE_URL_PREFIX.length), await importSPKI(other.publicKey, "RS256")),
    ).rejects.toThrow();
  });

  it("puts only id and classId of each object in the payload", async () => {
    const { key } = testServiceAccount();
    const withExtra = [{ ...objects[0], accountName: "Test Holder" } as { id: string; classId: string }];

    const url = await createSaveToGoogleWalletUrl({ serviceAccount: key, origins, objects: withExtra });

    expect(decodeJwt(url.slice(SAVE_URL_PREFIX.length)).payload).toEqual({ loyaltyObjects: objects });
  });
});
