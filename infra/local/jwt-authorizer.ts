import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { CLAIM_MERCHANT, CLAIM_STAFF } from "../../shared/auth/principal.ts";

/**
 * Stands in for API Gateway's JWT authorizer and the Cognito user pool behind it: issues tokens with
 * the claims Cognito's pre-token-generation trigger adds, and verifies signature, issuer, audience and
 * expiry (which must be present).
 */

export const LOCAL_ISSUER = "https://local.loyalty-wallet.dev/issuer";
export const LOCAL_AUDIENCE = "loyalty-wallet-scanner";
const ALG = "ES256";

export interface StaffClaims {
  merchantId: string;
  staffId: string;
  role: string;
  locations: string[] | "*";
}

export interface LocalAuthorizer {
  issue(claims: StaffClaims, ttlSeconds?: number): Promise<string>;
  /** The claims as API Gateway passes them to the handler (strings only), or undefined when rejected. */
  verify(token: string): Promise<Record<string, string> | undefined>;
}

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

function authorizerFor({ privateKey, publicKey }: KeyPair): LocalAuthorizer {
  return {
    issue: (claims, ttlSeconds = 12 * 3600) =>
      new SignJWT({
        [CLAIM_MERCHANT]: claims.merchantId,
        [CLAIM_STAFF]: claims.staffId,
        role: claims.role,
        locations: claims.locations === "*" ? "*" : claims.locations.join(" "),
        token_use: "access",
      })
        .setProtectedHeader({ alg: ALG, kid: "local-1" })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(claims.staffId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          algorithms: [ALG],
          // API Gateway's JWT authorizer refuses a token without an expiry, which would be valid forever.
          requiredClaims: ["exp"],
        });
        return flattenClaims(payload);
      } catch {
        return undefined;
      }
    },
  };
}

/** API Gateway hands claims over as strings; arrays arrive as "[a b]". */
function flattenClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    claims[name] = Array.isArray(value) ? `[${value.join(" ")}]` : String(value);
  }
  return claims;
}

export async function createLocalAuthorizer(): Promise<LocalAuthorizer> {
  return authorizerFor(await generateKeyPair(ALG, { extractable: true }));
}

/** Keeps the signing key in a file so tokens printed by `npm run dev:token` survive restarts. */
export async function loadOrCreateLocalAuthorizer(keyFile: string): Promise<LocalAuthorizer> {
  if (existsSync(keyFile)) {
    const jwk = JSON.parse(readFileSync(keyFile, "utf8")) as JWK;
    const { d: _d, ...publicJwk } = jwk;
    return authorizerFor({
      privateKey: (await importJWK(jwk, ALG)) as KeyPair["privateKey"],
      publicKey: (await importJWK(publicJwk, ALG)) as KeyPair["publicKey"],
    });
  }
  const pair = await generateKeyPair(ALG, { extractable: true });
  mkdirSync(dirname(keyFile), { recursive: true });
  writeFileSync(keyFile, JSON.stringify(await exportJWK(pair.privateKey)), { mode: 0o600 });
  return authorizerFor(pair);
}
