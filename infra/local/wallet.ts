import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PASS_UPDATES_FILTER_PATTERNS } from "../../passes/pass-changes.ts";
import { resetWalletConfig } from "../../passes/wallet-config.ts";
import { resetWalletRuntime } from "../../passes/wallet-runtime.ts";
import { type LocalApnsServer, startLocalApnsServer } from "./apns-server.ts";
import { ensureDevCertificates } from "./dev-certificates.ts";
import { DEV_SERVICE_ACCOUNT_FILE, ensureDevServiceAccount } from "./dev-google-account.ts";
import { type LocalGoogleRecorder, startLocalGoogleRecorder } from "./google-recorder.ts";
import { pollForFunction, type StreamPoller } from "./stream-poller.ts";

export interface LocalWalletOptions {
  dynamoEndpoint: string;
  tableName: string;
  /** The local API's base URL; the pass's webServiceURL is this + "/apple". */
  apiBaseUrl: string;
  /** Dev certificates, the dev service account, the link key and the delivery logs go here. */
  localDir: string;
  passTypeIdentifier?: string;
  teamIdentifier?: string;
  pollIntervalMs?: number;
}

export interface LocalWallet {
  apns: LocalApnsServer;
  google: LocalGoogleRecorder;
  poller: StreamPoller;
  /** The variables set for the handlers, as Lambda's configuration would set them. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const LOCAL_PASS_TYPE_ID = "pass.dev.loyalty-wallet.local";
export const LOCAL_TEAM_ID = "LOCALTEAM1";
// Google issuer ids are all digits; this one belongs to nobody, and the recorder accepts any.
export const LOCAL_GOOGLE_ISSUER_ID = "3388000000000000000";
const PASS_UPDATES_HANDLER = "pass-updates-stream";
/** Where the local class logo is served (by the Google recorder, standing in for a public host). */
export const LOCAL_PROGRAM_LOGO_PATH = "/static/program-logo.png";
const PROGRAM_LOGO_FILE = fileURLToPath(new URL("../../passes/google/program-logo.png", import.meta.url));

async function ensureLinkKey(path: string): Promise<void> {
  if (existsSync(path)) return;
  await writeFile(path, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
}

/**
 * The wallet side of the local stack: a local APNs (HTTP/2) server and a Google Wallet recorder that
 * log every delivery, dev pass certificates (made on first start, NOT accepted by real devices), and
 * a poller that feeds DynamoDB Local's stream to the same handler Lambda runs.
 * Call it once the HTTP gateway listens (its URL goes into passes) and before any wallet route is used.
 */
export async function startLocalWallet(options: LocalWalletOptions): Promise<LocalWallet> {
  const { localDir } = options;
  await mkdir(localDir, { recursive: true });
  const passTypeIdentifier = options.passTypeIdentifier ?? LOCAL_PASS_TYPE_ID;
  const teamIdentifier = options.teamIdentifier ?? LOCAL_TEAM_ID;
  const certificatesDir = join(localDir, "apple-dev-certificates");
  const linkKeyFile = join(localDir, "pass-link-key.dev");
  const [apns, google] = await Promise.all([
    startLocalApnsServer({ logFile: join(localDir, "apns-deliveries.log") }),
    startLocalGoogleRecorder({
      logFile: join(localDir, "google-wallet-requests.log"),
      publicFiles: { [LOCAL_PROGRAM_LOGO_PATH]: PROGRAM_LOGO_FILE },
    }),
    ensureDevCertificates(certificatesDir, { passTypeIdentifier, teamIdentifier }),
    ensureLinkKey(linkKeyFile),
  ]);
  await ensureDevServiceAccount(localDir, google.tokenUri);

  const env: Record<string, string> = {
    API_BASE_URL: options.apiBaseUrl,
    APPLE_PASS_TYPE_ID: passTypeIdentifier,
    APPLE_TEAM_ID: teamIdentifier,
    PASS_CERTIFICATES_DIR: certificatesDir,
    APNS_ORIGIN: apns.origin,
    GOOGLE_ISSUER_ID: LOCAL_GOOGLE_ISSUER_ID,
    GOOGLE_WALLET_BASE_URL: google.baseUrl,
    GOOGLE_SERVICE_ACCOUNT_FILE: join(localDir, DEV_SERVICE_ACCOUNT_FILE),
    GOOGLE_PROGRAM_LOGO_URL: `${google.origin}${LOCAL_PROGRAM_LOGO_PATH}`,
    GOOGLE_SAVE_ORIGINS: options.apiBaseUrl,
    PASS_LINK_KEY_FILE: linkKeyFile,
  };
  Object.assign(process.env, env);
  resetWalletConfig();
  await resetWalletRuntime();

  const poller = await pollForFunction({
    endpoint: options.dynamoEndpoint,
    tableName: options.tableName,
    functionName: PASS_UPDATES_HANDLER,
    filterPatterns: PASS_UPDATES_FILTER_PATTERNS,
    intervalMs: options.pollIntervalMs ?? 100,
  });

  return {
    apns,
    google,
    poller,
    env,
    async close() {
      await poller.stop();
      for (const name of Object.keys(env)) delete process.env[name];
      resetWalletConfig();
      await resetWalletRuntime();
      await Promise.all([apns.close(), google.close()]);
    },
  };
}
