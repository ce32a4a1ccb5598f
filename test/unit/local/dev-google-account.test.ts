import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEV_CLIENT_EMAIL,
  DEV_SERVICE_ACCOUNT_FILE,
  ensureDevServiceAccount,
} from "../../../infra/local/dev-google-account.ts";
import { startLocalGoogleRecorder } from "../../../infra/local/google-recorder.ts";
import { createGoogleWalletClient } from "../../../passes/google/wallet-client.ts";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "google-dev-sa-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ensureDevServiceAccount", () => {
  it("generates a dev-only RSA service account, readable only by its owner", async () => {
    const account = await ensureDevServiceAccount(join(dir, "nested"), "http://127.0.0.1:1234/token");

    expect(account).toMatchObject({
      type: "service_account",
      client_email: DEV_CLIENT_EMAIL,
      token_uri: "http://127.0.0.1:1234/token",
      dev_only: true,
    });
    expect(account.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const path = join(dir, "nested", DEV_SERVICE_ACCOUNT_FILE);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual(account);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("keeps the key across runs and only moves token_uri", async () => {
    const first = await ensureDevServiceAccount(dir, "http://127.0.0.1:1111/token");
    const second = await ensureDevServiceAccount(dir, "http://127.0.0.1:2222/token");

    expect(second.private_key).toBe(first.private_key);
    expect(second.private_key_id).toBe(first.private_key_id);
    expect(second.token_uri).toBe("http://127.0.0.1:2222/token");
  });

  it("refuses to overwrite a file it did not generate", async () => {
    await writeFile(join(dir, DEV_SERVICE_ACCOUNT_FILE), JSON.stringify({ client_email: "real@prod.iam" }));

    await expect(ensureDevServiceAccount(dir, "http://127.0.0.1:1/token")).rejects.toThrow(
      /not a generated dev/,
    );
  });

  it("authenticates against the local recorder", async () => {
    const recorder = await startLocalGoogleRecorder();
    try {
      const account = await ensureDevServiceAccount(dir, recorder.tokenUri);
      const client = createGoogleWalletClient({
        baseUrl: recorder.baseUrl,
        serviceAccount: account,
        issuerId: "3388000000022222222",
      });

      expect(await client.getLoyaltyObject("3388000000022222222.nobody")).toBeUndefined();
      expect(recorder.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
        "/token 200",
        "/walletobjects/v1/loyaltyObject/3388000000022222222.nobody 404",
      ]);
    } finally {
      await recorder.close();
    }
  });
});
