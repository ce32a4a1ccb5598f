import { createRequire } from "node:module";
import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";
import { decodeJwt, importJWK, type JWK, type JWTPayload, SignJWT } from "jose";
import type { AppClient, CognitoService, Context, TokenGenerator, Tokens, User } from "./cognito-local.ts";
import { attributesToRecord, SIGNING_KEY_FILE, SIGNING_KEY_ID } from "./cognito-local.ts";

export type PreTokenGenerationV2Handler = (
  event: PreTokenGenerationV2TriggerEvent,
) => Promise<PreTokenGenerationV2TriggerEvent>;

type Source = Parameters<TokenGenerator["generate"]>[5];

/**
 * Claims a pre-token-generation response cannot add, change or suppress (developer guide, "Pre token
 * generation Lambda trigger", excluded claims); the access token's scopes and groups change only through
 * scopesToAdd/scopesToSuppress and groupOverrideDetails. Cognito ignores attempts on them.
 */
const RESERVED = new Set([
  "acr",
  "amr",
  "aud",
  "at_hash",
  "auth_time",
  "azp",
  "client_id",
  "cognito:groups",
  "cognito:username",
  "device_key",
  "event_id",
  "exp",
  "iat",
  "identities",
  "iss",
  "jti",
  "nbf",
  "nonce",
  "origin_jti",
  "scope",
  "sub",
  "token_use",
  "username",
  "version",
]);

interface Overrides {
  claimsToAddOrOverride?: Record<string, unknown> | undefined;
  claimsToSuppress?: string[] | undefined;
}

function applyClaims(payload: JWTPayload, overrides: Overrides | undefined): JWTPayload {
  const result: JWTPayload = { ...payload };
  for (const [claim, value] of Object.entries(overrides?.claimsToAddOrOverride ?? {})) {
    if (!RESERVED.has(claim)) result[claim] = value;
  }
  for (const claim of overrides?.claimsToSuppress ?? []) {
    if (!RESERVED.has(claim)) delete result[claim];
  }
  return result;
}

const signingKey = (async () => {
  const { jwk } = createRequire(import.meta.url)(SIGNING_KEY_FILE) as { jwk: JWK };
  return importJWK(jwk, "RS256");
})();

/** Signs again with cognito-local's key and kid, keeping every registered claim (iss, exp, iat, aud). */
async function resign(payload: JWTPayload): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", kid: SIGNING_KEY_ID, typ: "JWT" })
    .sign(await signingKey);
}

/**
 * Cognito's pre-token-generation trigger, event version 2, around cognito-local's token generator.
 * cognito-local only knows version 1 and applies it to the ID token; the product's trigger
 * (functions/cognito-pre-token.ts) puts merchant_id and staff_id in the ACCESS token, the one the API
 * accepts. This runs that handler with the V2 event Cognito sends (when the pool's
 * LambdaConfig.PreTokenGenerationConfig asks for V2_0) and applies claimsAndScopeOverrideDetails to
 * both tokens: claims added, overridden or suppressed, access-token scopes added or suppressed, groups
 * overridden.
 */
export class PreTokenGenerationV2 implements TokenGenerator {
  constructor(
    private readonly inner: TokenGenerator,
    private readonly cognito: CognitoService,
    private readonly handler: PreTokenGenerationV2Handler | undefined,
    private readonly region: string,
  ) {}

  async generate(
    ctx: Context,
    user: User,
    userGroups: readonly string[],
    client: AppClient,
    clientMetadata: Record<string, string> | undefined,
    source: Source,
  ): Promise<Tokens> {
    const tokens = await this.inner.generate(ctx, user, userGroups, client, clientMetadata, source);
    const pool = (await this.cognito.getUserPool(ctx, client.UserPoolId)).options;
    const trigger = (
      pool.LambdaConfig as { PreTokenGenerationConfig?: { LambdaVersion?: string } } | undefined
    )?.PreTokenGenerationConfig;
    if (!this.handler || trigger?.LambdaVersion !== "V2_0") return tokens;

    const access = decodeJwt(tokens.AccessToken);
    const event: PreTokenGenerationV2TriggerEvent = {
      version: "2",
      triggerSource: `TokenGeneration_${source}` as PreTokenGenerationV2TriggerEvent["triggerSource"],
      region: this.region,
      userPoolId: client.UserPoolId,
      userName: user.Username,
      callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: client.ClientId },
      request: {
        userAttributes: {
          ...attributesToRecord(user.Attributes),
          "cognito:user_status": user.UserStatus ?? "",
        },
        groupConfiguration: {
          groupsToOverride: [...userGroups],
          iamRolesToOverride: [],
          preferredRole: undefined,
        },
        scopes: String(access.scope ?? "")
          .split(" ")
          .filter(Boolean),
        ...(clientMetadata ? { clientMetadata } : {}),
      },
      response: { claimsAndScopeOverrideDetails: {} },
    } as PreTokenGenerationV2TriggerEvent;
    const details = (await this.handler(event)).response?.claimsAndScopeOverrideDetails;
    if (!details) return tokens;

    const groups = details.groupOverrideDetails?.groupsToOverride;
    const withGroups = (payload: JWTPayload): JWTPayload => {
      if (groups === undefined) return payload;
      const { "cognito:groups": _old, ...rest } = payload;
      return groups.length > 0 ? { ...rest, "cognito:groups": groups } : rest;
    };
    const accessDetails = details.accessTokenGeneration;
    const scopes = new Set(
      String(access.scope ?? "")
        .split(" ")
        .filter(Boolean),
    );
    for (const scope of accessDetails?.scopesToAdd ?? []) scopes.add(scope);
    for (const scope of accessDetails?.scopesToSuppress ?? []) scopes.delete(scope);
    const { scope: _scope, ...claims } = applyClaims(access, accessDetails);
    const newAccess = withGroups(scopes.size > 0 ? { ...claims, scope: [...scopes].join(" ") } : claims);
    const newId = withGroups(applyClaims(decodeJwt(tokens.IdToken), details.idTokenGeneration));
    return { ...tokens, AccessToken: await resign(newAccess), IdToken: await resign(newId) };
  }
}

/** The same generator, telling the trigger another source (cognito-local says "Authentication" for a new password). */
export function withSource(generator: TokenGenerator, source: Source): TokenGenerator {
  return {
    generate: (ctx, user, groups, client, metadata) =>
      generator.generate(ctx, user, groups, client, metadata, source),
  };
}
