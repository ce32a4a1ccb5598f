import * as store from "./store.js";

/**
 * Staff sign-in with the user pool's JSON API, straight from the browser (no SDK): InitiateAuth with
 * USER_PASSWORD_AUTH, the NEW_PASSWORD_REQUIRED challenge of a first sign-in, REFRESH_TOKEN_AUTH to renew.
 * The same calls work against AWS and against the local pool; only `config.endpoint` differs.
 */

export class AuthError extends Error {
  constructor(type, message) {
    super(message || type);
    this.type = type;
  }
}

async function call(config, target, body) {
  let response;
  try {
    response = await fetch(`${config.endpoint}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AWSCognitoIdentityProviderService.${target}`,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new AuthError("NetworkError", "");
  }
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    // AWS may prefix the type with a namespace ("…#NotAuthorizedException").
    throw new AuthError(
      String(json.__type ?? "UnknownError")
        .split("#")
        .pop(),
      json.message ?? json.Message,
    );
  }
  return json;
}

let accessToken;
let refreshing;

async function keep(result, email) {
  accessToken = result.AccessToken;
  if (result.RefreshToken) await store.put("session", { name: "refresh", token: result.RefreshToken, email });
}

/** `{ signedIn: true }`, or `{ challenge: "NEW_PASSWORD_REQUIRED", session }` for a temporary password. */
export async function signIn(config, email, password) {
  const answer = await call(config, "InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: config.clientId,
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  if (answer.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    return { challenge: "NEW_PASSWORD_REQUIRED", session: answer.Session };
  }
  if (!answer.AuthenticationResult?.AccessToken) throw new AuthError(answer.ChallengeName ?? "NoTokens", "");
  await keep(answer.AuthenticationResult, email);
  return { signedIn: true };
}

export async function chooseNewPassword(config, email, session, newPassword) {
  const answer = await call(config, "RespondToAuthChallenge", {
    ClientId: config.clientId,
    ChallengeName: "NEW_PASSWORD_REQUIRED",
    Session: session,
    ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
  });
  if (!answer.AuthenticationResult?.AccessToken) throw new AuthError(answer.ChallengeName ?? "NoTokens", "");
  await keep(answer.AuthenticationResult, email);
}

/** Whether this device holds a sign-in (a refresh token), whether or not the network is up. */
export async function hasSession() {
  return Boolean(await store.get("session", "refresh"));
}

export async function signedInEmail() {
  return (await store.get("session", "refresh"))?.email;
}

/**
 * A new access token from the refresh token, once however many callers ask at the same moment. A refused
 * refresh token (signed out, deactivated) ends the session; a network failure keeps it for later.
 */
export function renew(config) {
  refreshing ??= (async () => {
    try {
      const saved = await store.get("session", "refresh");
      if (!saved) throw new AuthError("NotAuthorizedException", "");
      const answer = await call(config, "InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: config.clientId,
        AuthParameters: { REFRESH_TOKEN: saved.token },
      });
      accessToken = answer.AuthenticationResult?.AccessToken;
      if (!accessToken) throw new AuthError("NotAuthorizedException", "");
      return accessToken;
    } catch (error) {
      if (error instanceof AuthError && error.type === "NotAuthorizedException") await signOutHere();
      throw error;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

export async function token(config) {
  return accessToken ?? renew(config);
}

/** Forgets the sign-in on this device; the refresh token is revoked at the pool when it can be. */
export async function signOut(config) {
  const saved = await store.get("session", "refresh");
  if (saved) {
    await call(config, "RevokeToken", { ClientId: config.clientId, Token: saved.token }).catch(() => {});
  }
  await signOutHere();
}

async function signOutHere() {
  accessToken = undefined;
  await store.remove("session", "refresh");
}
