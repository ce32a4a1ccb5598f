import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalApnsServer, startLocalApnsServer } from "../../infra/local/apns-server.ts";
import { ensureDevServiceAccount } from "../../infra/local/dev-google-account.ts";
import { type LocalGoogleRecorder, startLocalGoogleRecorder } from "../../infra/local/google-recorder.ts";
import { createApnsClient } from "../../passes/apple/apns/client.ts";
import { createGoogleWalletClient } from "../../passes/google/wallet-client.ts";
import type { PassDeliveryDeps } from "../../passes/pass-delivery.ts";
import type { Clock } from "../../shared/clock.ts";
import type { Db } from "../../shared/store/db/client.ts";

export const TEST_PASS_TYPE = "pass.test.loyalty";

/** Both wallets' far ends on this machine, and the delivery deps that reach them. */
export interface PassDeliveryWorld {
  deps: PassDeliveryDeps;
  apnsServer: LocalApnsServer;
  google: LocalGoogleRecorder;
  close(): Promise<void>;
}

/**
 * A local APNs server and a Google Wallet recorder (with a dev service account in a temporary folder), and
 * the pass-delivery deps of the stream handler pointed at them. One try per push or call, so a failing
 * device or object fails its records at once.
 */
export async function startPassDeliveryWorld(options: {
  db: Db;
  clock: Clock;
  issuerId: string;
}): Promise<PassDeliveryWorld> {
  const dir = await mkdtemp(join(tmpdir(), "pass-delivery-"));
  const [apnsServer, google] = await Promise.all([startLocalApnsServer(), startLocalGoogleRecorder()]);
  const serviceAccount = await ensureDevServiceAccount(dir, google.tokenUri);
  const apns = createApnsClient({
    origin: apnsServer.origin,
    auth: { kind: "certificate", cert: "h2c", key: "h2c" },
    maxAttempts: 1,
  });
  const client = createGoogleWalletClient({
    serviceAccount,
    issuerId: options.issuerId,
    baseUrl: google.baseUrl,
    maxAttempts: 1,
  });
  return {
    deps: {
      db: options.db,
      clock: options.clock,
      apple: { passTypeIdentifier: TEST_PASS_TYPE, apns: async () => apns },
      google: {
        issuerId: options.issuerId,
        programLogoUrl: "https://example.test/logo.png",
        client: async () => client,
      },
    },
    apnsServer,
    google,
    async close() {
      await apns.close();
      await Promise.all([apnsServer.close(), google.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
