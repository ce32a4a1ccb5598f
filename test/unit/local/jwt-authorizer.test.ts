import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type LocalAuthorizer,
  loadOrCreateLocalAuthorizer,
} from "../../../infra/local/jwt-authorizer.ts";

let dir: string;
let authorizer: LocalAuthorizer;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

beforeAll(async () => {
  // The authorizer's key is ours, so the test can sign tokens the authorizer never issues.
  dir = await mkdtemp(join(tmpdir(), "jwt-authorizer-"));
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateKey = pair.privateKey;
  const keyFile = join(dir, "key.json");
  await writeFile(keyFile, JSON.stringify(await exportJWK(pair.privateKey)));
  authorizer = await loadOrCreateLocalAuthorizer(keyFile);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

function token(claims: JWTPayload, expiresIn?: string): Promise<string> {
  const jwt = new SignJWT({ merchant_id: "m", staff_id: "s", token_use: "access", ...claims })
    .setProtectedHeader({ alg: "ES256", kid: "local-1" })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt();
  return (expiresIn ? jwt.setExpirationTime(expiresIn) : jwt).sign(privateKey);
}

describe("local JWT authorizer", () => {
  it("accepts a well-formed token with an expiry", async () => {
    expect(await authorizer.verify(await token({}, "1h"))).toMatchObject({ merchant_id: "m", staff_id: "s" });
  });

  it("refuses a token without exp, as API Gateway's JWT authorizer does", async () => {
    expect(await authorizer.verify(await token({}))).toBeUndefined();
  });

  it("refuses an expired token", async () => {
    expect(await authorizer.verify(await token({ exp: Math.floor(Date.now() / 1000) - 60 }))).toBeUndefined();
  });

  it("issues tokens that carry an expiry", async () => {
    const issued = await authorizer.issue({ merchantId: "m", staffId: "s", role: "owner", locations: "*" });
    expect(Number((await authorizer.verify(issued))?.exp)).toBeGreaterThan(Date.now() / 1000);
  });
});
