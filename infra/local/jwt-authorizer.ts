import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";

/**
 * API Gateway's JWT authorizer, as the stack configures it on the Cognito user pool
 * (infra/stack/staff-auth.ts, infra/stack/http-api.ts): an RS256 signature by a key of the pool's JWKS,
 * the pool's issuer, an expiry (a token without one would be valid forever), the scanner client's id in
 * `client_id` (access tokens carry no `aud`), an access token (`token_use`), and the scope the routes
 * require, which Cognito puts in access tokens only. The claims reach the handler as strings.
 */
export interface LocalAuthorizer {
  /** The claims as API Gateway passes them to the handler (strings only), or undefined when rejected. */
  verify(token: string): Promise<Record<string, string> | undefined>;
}

export interface UserPoolAuthorizerOptions {
  /** `<endpoint>/<userPoolId>`, as Cognito's issuer is `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  issuer: string;
  clientId: string;
  /** The route's authorization scopes: a token must hold at least one, as API Gateway requires. */
  scopes: readonly string[];
  /** The pool's JWKS; `<issuer>/.well-known/jwks.json` by default, fetched once and cached. */
  jwksUri?: string;
}

export function createUserPoolAuthorizer(options: UserPoolAuthorizerOptions): LocalAuthorizer {
  const jwks = createRemoteJWKSet(new URL(options.jwksUri ?? `${options.issuer}/.well-known/jwks.json`));
  return {
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer: options.issuer,
          algorithms: ["RS256"],
          requiredClaims: ["exp"],
        });
        const scopes = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
        if (
          payload.token_use !== "access" ||
          payload.client_id !== options.clientId ||
          !options.scopes.some((scope) => scopes.includes(scope))
        ) {
          return undefined;
        }
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
