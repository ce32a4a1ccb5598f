import { importPKCS8, SignJWT } from "jose";

// Apple accepts a provider token for up to 60 minutes and answers 429 TooManyProviderTokenUpdates when
// it is replaced more often than every 20; re-signing at 40 leaves headroom for clock skew on either side.
export const PROVIDER_TOKEN_REFRESH_MS = 40 * 60_000;
export const PROVIDER_TOKEN_MIN_RESIGN_MS = 20 * 60_000;

export interface ProviderTokenOptions {
  teamId: string;
  keyId: string;
  /** PKCS#8 PEM of the APNs auth key (.p8), ES256. */
  signingKey: string;
  now: () => Date;
}

export interface ProviderTokenSource {
  current(): Promise<string>;
  /** APNs said the token expired: re-sign on the next call, but never inside the 20-minute floor. */
  markExpired(): void;
}

export function createProviderTokenSource(options: ProviderTokenOptions): ProviderTokenSource {
  let key: ReturnType<typeof importPKCS8> | undefined;
  let cached: { jwt: string; issuedAtMs: number } | undefined;
  let signing: Promise<string> | undefined;
  let expired = false;

  function isDue(nowMs: number): boolean {
    if (!cached) return true;
    const age = nowMs - cached.issuedAtMs;
    return age >= PROVIDER_TOKEN_REFRESH_MS || (expired && age >= PROVIDER_TOKEN_MIN_RESIGN_MS);
  }

  async function sign(nowMs: number): Promise<string> {
    key ??= importPKCS8(options.signingKey, "ES256");
    const jwt = await new SignJWT({ iss: options.teamId, iat: Math.floor(nowMs / 1000) })
      .setProtectedHeader({ alg: "ES256", kid: options.keyId })
      .sign(await key);
    cached = { jwt, issuedAtMs: nowMs };
    expired = false;
    return jwt;
  }

  return {
    async current() {
      const nowMs = options.now().getTime();
      if (cached && !isDue(nowMs)) return cached.jwt;
      // Concurrent pushes share one signature so a burst cannot count as several token updates.
      signing ??= sign(nowMs).finally(() => {
        signing = undefined;
      });
      return signing;
    },
    markExpired() {
      expired = true;
    },
  };
}
