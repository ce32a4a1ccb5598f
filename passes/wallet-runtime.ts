import {
  APNS_MAX_ATTEMPTS,
  APNS_REQUEST_TIMEOUT_MS,
  GOOGLE_WALLET_MAX_ATTEMPTS,
  GOOGLE_WALLET_REQUEST_TIMEOUT_MS,
} from "../shared/budgets.ts";
import { notFound } from "../shared/errors.ts";
import { lazily } from "../shared/lazily.ts";
import { logger } from "../shared/logger.ts";
import { type ApnsClient, createApnsClient } from "./apple/apns/client.ts";
import type { ApplePassRenderer } from "./apple/render-pass.ts";
import type { ServiceAccountKey } from "./google/service-account.ts";
import type { GoogleWalletClient } from "./google/wallet-client.ts";
import type { AppleWalletConfig, GoogleWalletConfig, WalletConfig } from "./wallet-config.ts";
import { walletConfig } from "./wallet-config.ts";
import { loadApnsKey, loadLinkKey, loadPassCertificates, loadServiceAccount } from "./wallet-secrets.ts";

export interface AppleWallet {
  config: AppleWalletConfig;
  renderer(): Promise<ApplePassRenderer>;
  apns(): Promise<ApnsClient>;
}

export interface GoogleWallet {
  config: GoogleWalletConfig;
  serviceAccount(): Promise<ServiceAccountKey>;
  client(): Promise<GoogleWalletClient>;
}

/** What the wallet functions use, each piece built on first use: a route that only reads never loads a key. */
export interface WalletRuntime {
  config: WalletConfig;
  apple?: AppleWallet;
  google?: GoogleWallet;
  linkKey?: () => Promise<Buffer>;
  /** Closes the APNs connection, if one was opened. */
  close(): Promise<void>;
}

export function createWalletRuntime(config: WalletConfig): WalletRuntime {
  let apnsClient: ApnsClient | undefined;
  const runtime: WalletRuntime = { config, close: async () => apnsClient?.close() };
  const { apple, google, linkKey } = config;
  if (apple) {
    const certificates = lazily(() => loadPassCertificates(apple.certificates));
    runtime.apple = {
      config: apple,
      // passkit-generator and node-forge were a third of these bundles: in a chunk of their own, loaded
      // on the first render (while the pass's content is read), never for a 304 or a push.
      renderer: lazily(async () => {
        const { createApplePassRenderer } = await import("./apple/render-pass.ts");
        return createApplePassRenderer({
          certificates: await certificates(),
          passTypeIdentifier: apple.passTypeIdentifier,
          teamIdentifier: apple.teamIdentifier,
          webServiceURL: apple.webServiceURL,
          timeZone: config.timeZone,
        });
      }),
      apns: lazily(async () => {
        // Certificate auth with the Pass Type ID certificate is Apple's documented path for pass pushes.
        const auth = apple.apnsKey
          ? { kind: "token" as const, teamId: apple.teamIdentifier, ...(await loadApnsKey(apple.apnsKey)) }
          : {
              kind: "certificate" as const,
              cert: (await certificates()).signerCert,
              key: (await certificates()).signerKey,
            };
        apnsClient = createApnsClient({
          origin: apple.apnsOrigin,
          auth,
          requestTimeoutMs: APNS_REQUEST_TIMEOUT_MS,
          maxAttempts: APNS_MAX_ATTEMPTS,
          logger: {
            debug: (message, attributes) => logger.debug(message, { ...attributes }),
            warn: (message, attributes) => logger.warn(message, { ...attributes }),
          },
        });
        return apnsClient;
      }),
    };
  }
  if (google) {
    const serviceAccount = lazily(() => loadServiceAccount(google.serviceAccount));
    runtime.google = {
      config: google,
      serviceAccount,
      // google-auth-library (and gaxios with its polyfills) only on the paths that call the Wallet API.
      client: lazily(async () => {
        const { createGoogleWalletClient } = await import("./google/wallet-client.ts");
        return createGoogleWalletClient({
          serviceAccount: await serviceAccount(),
          issuerId: google.issuerId,
          requestTimeoutMs: GOOGLE_WALLET_REQUEST_TIMEOUT_MS,
          maxAttempts: GOOGLE_WALLET_MAX_ATTEMPTS,
          ...(google.baseUrl ? { baseUrl: google.baseUrl } : {}),
        });
      }),
    };
  }
  if (linkKey) runtime.linkKey = lazily(() => loadLinkKey(linkKey));
  return runtime;
}

let runtime: { value: WalletRuntime | undefined } | undefined;

/** One per container, from walletConfig(); undefined when the deployment has no wallet configured. */
export function walletRuntime(): WalletRuntime | undefined {
  if (!runtime) {
    const config = walletConfig();
    runtime = { value: config ? createWalletRuntime(config) : undefined };
  }
  return runtime.value;
}

/** For the local stack and tests, which change the environment between stacks in one process. */
export async function resetWalletRuntime(): Promise<void> {
  const previous = runtime?.value;
  runtime = undefined;
  await previous?.close();
}

/** The Apple side, for routes that make no sense without it: a 404 when this deployment has none. */
export function appleWallet(): AppleWallet {
  const apple = walletRuntime()?.apple;
  if (!apple) throw notFound("Apple Wallet web service");
  return apple;
}
