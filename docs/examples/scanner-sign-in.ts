/**
 * How a scanner app signs a staff member in and calls the API — against AWS, or against `npm start`
 * with nothing changed but the endpoint. Runnable:
 *
 *   npx tsx docs/examples/scanner-sign-in.ts --email bob@cafe-demo.example --password '…'
 *
 * reads the local stack's settings from .local/demo.json; on AWS pass --region, --user-pool-id,
 * --client-id and --api-url (the stack's outputs UserPoolId, ScannerClientId, ApiUrl). The first sign-in
 * with the invitation's temporary password also needs --new-password.
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from "@aws-sdk/client-cognito-identity-provider";

export interface UserPoolSettings {
  region: string;
  clientId: string;
  /** Only for the local user pool; absent on AWS. */
  endpoint?: string;
}

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds?: number;
}

// Sign-in calls need no AWS credentials (the SDK sends them unsigned): a scanner app holds none.
const client = (pool: UserPoolSettings) =>
  new CognitoIdentityProviderClient({
    region: pool.region,
    ...(pool.endpoint ? { endpoint: pool.endpoint } : {}),
  });

/**
 * USER_PASSWORD_AUTH, then the NEW_PASSWORD_REQUIRED challenge of a first sign-in. The access token is the
 * API's bearer token (15 minutes); the refresh token renews it (`refresh`) without asking for the password.
 */
export async function signIn(
  pool: UserPoolSettings,
  email: string,
  password: string,
  newPassword?: string,
): Promise<Tokens> {
  const cognito = client(pool);
  const first = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: pool.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  let result = first.AuthenticationResult;
  if (first.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    if (!newPassword) throw new Error("First sign-in: choose a password with --new-password");
    const answered = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: pool.clientId,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: first.Session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
      }),
    );
    result = answered.AuthenticationResult;
  }
  if (!result?.AccessToken) throw new Error(`Sign-in needs more: ${first.ChallengeName ?? "no tokens"}`);
  return {
    accessToken: result.AccessToken,
    ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    ...(result.ExpiresIn ? { expiresInSeconds: result.ExpiresIn } : {}),
  };
}

/** A fresh access token from the refresh token; fails once the member is deactivated (signed out). */
export async function refresh(pool: UserPoolSettings, refreshToken: string): Promise<string> {
  const { AuthenticationResult } = await client(pool).send(
    new InitiateAuthCommand({
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: pool.clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );
  if (!AuthenticationResult?.AccessToken) throw new Error("No access token");
  return AuthenticationResult.AccessToken;
}

/** Any API call: the access token as a bearer token. */
export async function listLocations(apiUrl: string, accessToken: string): Promise<unknown> {
  const response = await fetch(`${apiUrl}/v1/locations`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: response.status, body: await response.json() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      password: { type: "string" },
      "new-password": { type: "string" },
      region: { type: "string" },
      "user-pool-id": { type: "string" },
      "client-id": { type: "string" },
      "api-url": { type: "string" },
    },
  });
  if (!values.email || !values.password) throw new Error("--email and --password are required");
  const local = values["client-id"]
    ? undefined
    : (JSON.parse(readFileSync(".local/demo.json", "utf8")) as {
        apiUrl?: string;
        baseUrl?: string;
        auth: { endpoint: string; region: string; clientId: string };
      });
  const pool: UserPoolSettings = local
    ? { region: local.auth.region, clientId: local.auth.clientId, endpoint: local.auth.endpoint }
    : { region: values.region ?? "eu-west-3", clientId: values["client-id"] ?? "" };
  const apiUrl = values["api-url"] ?? local?.apiUrl ?? local?.baseUrl ?? "http://127.0.0.1:3000";
  const tokens = await signIn(pool, values.email, values.password, values["new-password"]);
  console.log(JSON.stringify(await listLocations(apiUrl, tokens.accessToken), null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
