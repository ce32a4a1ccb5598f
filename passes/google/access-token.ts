import { JWT } from "google-auth-library";
import { GoogleWalletError } from "./errors.ts";
import type { ServiceAccountKey } from "./service-account.ts";
import { GOOGLE_TOKEN_URI, resolveTokenUri, WALLET_SCOPE } from "./service-account.ts";

export interface AccessTokenSource {
  /** A cached token while it is fresh; google-auth-library refreshes it ahead of expiry. */
  get(): Promise<string>;
}

export function createAccessTokenSource(
  key: ServiceAccountKey,
  options: { fetch?: typeof fetch } = {},
): AccessTokenSource {
  const tokenUri = resolveTokenUri(key);
  const client = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [WALLET_SCOPE],
    transporterOptions: options.fetch ? { fetchImplementation: options.fetch } : undefined,
  });

  // google-auth-library 10 ignores token_uri for service accounts: the token request always goes to
  // GOOGLE_TOKEN_URI. Redirecting that one request is what lets the local recorder serve tokens.
  // The assertion's audience stays Google's URL, as Google's Java and Python libraries do for private
  // token endpoints.
  if (tokenUri !== GOOGLE_TOKEN_URI) {
    client.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (config.url.toString() === GOOGLE_TOKEN_URI) config.url = new URL(tokenUri);
        return config;
      },
    });
  }

  return {
    async get() {
      let token: string | null | undefined;
      try {
        ({ token } = await client.getAccessToken());
      } catch (error) {
        const status = httpStatusOf(error);
        throw new GoogleWalletError({
          code: "auth",
          operation: "token",
          ...(status ? { httpStatus: status } : {}),
          retryable: status === undefined || status === 429 || status >= 500,
          cause: error,
        });
      }
      if (!token) throw new GoogleWalletError({ code: "auth", operation: "token", retryable: false });
      return token;
    },
  };
}

function httpStatusOf(error: unknown): number | undefined {
  if (error && typeof error === "object" && "status" in error && typeof error.status === "number") {
    return error.status;
  }
  const response = error && typeof error === "object" && "response" in error ? error.response : undefined;
  if (
    response &&
    typeof response === "object" &&
    "status" in response &&
    typeof response.status === "number"
  ) {
    return response.status;
  }
  return undefined;
}
