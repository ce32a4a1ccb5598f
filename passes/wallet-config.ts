import { notFound } from "../shared/errors.ts";
/**
 * Where the wallet pieces find their identifiers, endpoints and keys: read from the environment once
 * per container (Lambda's configuration on AWS, infra/local/wallet.ts locally). Secrets are named
 * here, never held: secret values are loaded by wallet-secrets.ts, from files locally and from
 * Secrets Manager on AWS.
 */

/** A secret's value comes from a file (local stack) or a Secrets Manager secret (AWS). */
export type SecretSource = { kind: "file"; path: string } | { kind: "secretsManager"; id: string };

export interface AppleWalletConfig {
  passTypeIdentifier: string;
  teamIdentifier: string;
  /** API base + "/apple": Wallet appends "/v1/...". */
  webServiceURL: string;
  /** A directory of PEM files locally (wwdr.pem, signerCert.pem, signerKey.pem); JSON of the same on AWS. */
  certificates: { kind: "dir"; path: string } | { kind: "secretsManager"; id: string };
  apnsOrigin: string;
  /** Token auth with this key when set (JSON {keyId, signingKey}); the pass certificate otherwise. */
  apnsKey?: SecretSource;
}

export interface GoogleWalletConfig {
  issuerId: string;
  baseUrl?: string;
  serviceAccount: SecretSource;
  /** Web origins that may show the Save button; empty for links opened directly. */
  origins: string[];
  /** Google fetches the class logo from a public URL; it cannot come inside the API call. */
  programLogoUrl: string;
}

export interface WalletConfig {
  apiBaseUrl: string;
  /** Absent when the deployment has no Apple pass type configured. */
  apple?: AppleWalletConfig;
  google?: GoogleWalletConfig;
  /** Key for signing download links (HMAC-SHA256). */
  linkKey?: SecretSource;
  linkTtlSeconds: number;
  /** IANA zone in which passes write dates (PASS_TIME_ZONE, the merchants'); UTC when unset or unknown. */
  timeZone: string;
}

export const APNS_PRODUCTION_ORIGIN = "https://api.push.apple.com";
const DEFAULT_LINK_TTL_SECONDS = 7 * 24 * 3600;

/** A zone Intl knows, or UTC: a mistyped zone must not stop every pass from rendering. */
function knownTimeZone(zone: string | undefined): string {
  if (!zone) return "UTC";
  try {
    return new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return "UTC";
  }
}

function source(env: NodeJS.ProcessEnv, fileVar: string, secretVar: string): SecretSource | undefined {
  const id = env[secretVar];
  if (id) return { kind: "secretsManager", id };
  const path = env[fileVar];
  return path ? { kind: "file", path } : undefined;
}

/** Every variable the wallet reads; a piece whose variables are absent is switched off, not half-configured. */
export function readWalletConfig(env: NodeJS.ProcessEnv = process.env): WalletConfig | undefined {
  const apiBaseUrl = env.API_BASE_URL?.replace(/\/+$/, "");
  if (!apiBaseUrl) return undefined;

  let apple: AppleWalletConfig | undefined;
  const passTypeIdentifier = env.APPLE_PASS_TYPE_ID;
  const teamIdentifier = env.APPLE_TEAM_ID;
  const certificates = env.PASS_CERTIFICATES_SECRET_ID
    ? { kind: "secretsManager" as const, id: env.PASS_CERTIFICATES_SECRET_ID }
    : env.PASS_CERTIFICATES_DIR
      ? { kind: "dir" as const, path: env.PASS_CERTIFICATES_DIR }
      : undefined;
  if (passTypeIdentifier && teamIdentifier && certificates) {
    const apnsKey = source(env, "APNS_KEY_FILE", "APNS_KEY_SECRET_ID");
    apple = {
      passTypeIdentifier,
      teamIdentifier,
      webServiceURL: `${apiBaseUrl}/apple`,
      certificates,
      apnsOrigin: env.APNS_ORIGIN ?? APNS_PRODUCTION_ORIGIN,
      ...(apnsKey ? { apnsKey } : {}),
    };
  }

  let google: GoogleWalletConfig | undefined;
  const serviceAccount = source(env, "GOOGLE_SERVICE_ACCOUNT_FILE", "GOOGLE_SERVICE_ACCOUNT_SECRET_ID");
  if (env.GOOGLE_ISSUER_ID && env.GOOGLE_PROGRAM_LOGO_URL && serviceAccount) {
    google = {
      issuerId: env.GOOGLE_ISSUER_ID,
      ...(env.GOOGLE_WALLET_BASE_URL ? { baseUrl: env.GOOGLE_WALLET_BASE_URL } : {}),
      serviceAccount,
      origins: (env.GOOGLE_SAVE_ORIGINS ?? "")
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
      programLogoUrl: env.GOOGLE_PROGRAM_LOGO_URL,
    };
  }

  const linkKey = source(env, "PASS_LINK_KEY_FILE", "PASS_LINK_KEY_SECRET_ID");
  const ttl = Number(env.PASS_LINK_TTL_SECONDS ?? DEFAULT_LINK_TTL_SECONDS);
  return {
    apiBaseUrl,
    ...(apple ? { apple } : {}),
    ...(google ? { google } : {}),
    ...(linkKey ? { linkKey } : {}),
    linkTtlSeconds: Number.isInteger(ttl) && ttl > 0 ? ttl : DEFAULT_LINK_TTL_SECONDS,
    timeZone: knownTimeZone(env.PASS_TIME_ZONE),
  };
}

let cached: { config: WalletConfig | undefined } | undefined;

/** Read on first use, then kept for the life of the container. */
export function walletConfig(): WalletConfig | undefined {
  cached ??= { config: readWalletConfig() };
  return cached.config;
}

/** For the local stack, which sets the environment after starting its recorders, and for tests. */
export function resetWalletConfig(): void {
  cached = undefined;
}

/**
 * The Apple configuration alone, for routes that check a pass's token but render or push nothing:
 * importing it does not pull the renderer, APNs or Google clients into their bundles.
 */
export function appleWalletConfig(): AppleWalletConfig {
  const apple = walletConfig()?.apple;
  if (!apple) throw notFound("Apple Wallet web service");
  return apple;
}
