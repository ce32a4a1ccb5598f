/** The fields of a Google service-account key file that this code reads. */
export interface ServiceAccountKey {
  client_email: string;
  /** PKCS#8 PEM (RSA). */
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
export const WALLET_SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Which token endpoint to use. A custom `token_uri` receives a signed assertion that is worth an access
 * token to whoever holds it, so only Google's endpoint or a loopback one (the local recorder) is
 * accepted: a tampered key file cannot send the assertion elsewhere.
 */
export function resolveTokenUri(key: Pick<ServiceAccountKey, "token_uri">): string {
  const configured = key.token_uri;
  if (!configured || configured === GOOGLE_TOKEN_URI) return GOOGLE_TOKEN_URI;
  const url = new URL(configured);
  if ((url.protocol === "http:" || url.protocol === "https:") && LOOPBACK_HOSTS.has(url.hostname)) {
    return url.toString();
  }
  throw new Error(`token_uri must be ${GOOGLE_TOKEN_URI} or a loopback URL, got ${url.origin}`);
}
