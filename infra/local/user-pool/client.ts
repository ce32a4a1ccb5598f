import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";

/** Where a local user pool is and how a scanner app signs in to it: what `.local/demo.json` calls `auth`. */
export interface UserPoolRef {
  endpoint: string;
  region: string;
  userPoolId: string;
  clientId: string;
}

/** An SDK client for the local pool: the endpoint is the only difference from AWS (credentials are not checked). */
export function userPoolClient(
  pool: Pick<UserPoolRef, "endpoint" | "region">,
): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: pool.endpoint,
    region: pool.region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

/** A sign-in as the scanner app makes it: the tokens, or the challenge to answer (NEW_PASSWORD_REQUIRED). */
export async function signIn(
  pool: UserPoolRef,
  email: string,
  password: string,
): Promise<InitiateAuthCommandOutput> {
  const client = userPoolClient(pool);
  try {
    return await client.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
  } finally {
    client.destroy();
  }
}
