import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserPoolAuthorizer, type LocalAuthorizer } from "../../../infra/local/jwt-authorizer.ts";
import { ACCESS_TOKEN_SCOPE } from "../../../shared/auth/access-token.ts";

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

const CLIENT_ID = "scanner-client";
let poolKeys: Keys;
let otherKeys: Keys;
let jwks: Server;
let issuer: string;
let jwksRequests = 0;
let authorizer: LocalAuthorizer;

beforeAll(async () => {
  poolKeys = await generateKeyPair("RS256");
  otherKeys = await generateKeyPair("RS256");
  const publicJwk = { ...(await exportJWK(poolKeys.publicKey)), kid: "pool-key", alg: "RS256", use: "sig" };
  // The pool's JWKS as Cognito (and the local pool) publish it: /<poolId>/.well-known/jwks.json.
  jwks = createServer((req, res) => {
    jwksRequests += 1;
    if (req.url !== "/pool_1/.well-known/jwks.json") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", () => resolve()));
  issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/pool_1`;
  authorizer = createUserPoolAuthorizer({ issuer, clientId: CLIENT_ID, scopes: [ACCESS_TOKEN_SCOPE] });
});
afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())));

/** An access token as the pool issues it, with `changes` applied (undefined removes a claim). */
async function accessToken(changes: JWTPayload = {}, options: { keys?: Keys; issuer?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    sub: "user-sub",
    client_id: CLIENT_ID,
    token_use: "access",
    scope: ACCESS_TOKEN_SCOPE,
    merchant_id: "m",
    staff_id: "s",
    "cognito:groups": ["owner", "staff"],
    iss: options.issuer ?? issuer,
    iat: now,
    exp: now + 900,
    ...changes,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "pool-key" })
    .sign((options.keys ?? poolKeys).privateKey);
}

describe("the local JWT authorizer (API Gateway's, on the user pool)", () => {
  it("accepts the pool's access token and hands the claims over as strings, arrays as API Gateway writes them", async () => {
    expect(await authorizer.verify(await accessToken())).toMatchObject({
      merchant_id: "m",
      staff_id: "s",
      token_use: "access",
      "cognito:groups": "[owner staff]",
      exp: expect.stringMatching(/^\d+$/),
    });
  });

  it("fetches the JWKS once and keeps it", async () => {
    const before = jwksRequests;
    await authorizer.verify(await accessToken());
    await authorizer.verify(await accessToken());
    expect(jwksRequests - before).toBe(0);
  });

  it("refuses a token signed by a key that is not the pool's", async () => {
    expect(await authorizer.verify(await accessToken({}, { keys: otherKeys }))).toBeUndefined();
  });

  it("refuses another issuer", async () => {
    const elsewhere = issuer.replace("pool_1", "pool_2");
    expect(await authorizer.verify(await accessToken({}, { issuer: elsewhere }))).toBeUndefined();
  });

  it("refuses an expired token, and one without exp (it would be valid forever)", async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    expect(await authorizer.verify(await accessToken({ exp: past }))).toBeUndefined();
    expect(await authorizer.verify(await accessToken({ exp: undefined }))).toBeUndefined();
  });

  it("refuses an ID token, though it names the client as its audience", async () => {
    const idToken = await accessToken({
      token_use: "id",
      aud: CLIENT_ID,
      client_id: undefined,
      scope: undefined,
    });
    expect(await authorizer.verify(idToken)).toBeUndefined();
    expect(await authorizer.verify(await accessToken({ token_use: "id" }))).toBeUndefined();
  });

  it("refuses another app client's access token", async () => {
    expect(await authorizer.verify(await accessToken({ client_id: "another-client" }))).toBeUndefined();
  });

  it("refuses an access token without the scope the routes require", async () => {
    expect(await authorizer.verify(await accessToken({ scope: undefined }))).toBeUndefined();
    expect(await authorizer.verify(await accessToken({ scope: "openid email" }))).toBeUndefined();
  });
});
