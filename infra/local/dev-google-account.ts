import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ServiceAccountKey } from "../../passes/google/service-account.ts";

export const DEV_SERVICE_ACCOUNT_FILE = "google-service-account.dev.json";
export const DEV_CLIENT_EMAIL = "loyalty-dev@local.iam.gserviceaccount.com";

export interface DevServiceAccount extends ServiceAccountKey {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  token_uri: string;
  dev_only: true;
  _comment: string;
}

/**
 * The service-account key the local stack signs with: generated once into `dir`, kept across runs so
 * save links stay verifiable, with `token_uri` pointed at this run's recorder. Google knows nothing of
 * this key, so it cannot work against the real API.
 */
export async function ensureDevServiceAccount(dir: string, tokenUri: string): Promise<DevServiceAccount> {
  const path = join(dir, DEV_SERVICE_ACCOUNT_FILE);
  const existing = await readExisting(path);
  if (existing && existing.token_uri === tokenUri) return existing;

  const account: DevServiceAccount = existing ? { ...existing, token_uri: tokenUri } : generate(tokenUri);
  await mkdir(dir, { recursive: true });
  await writeFile(path, `${JSON.stringify(account, null, 2)}\n`, { mode: 0o600 });
  return account;
}

function generate(tokenUri: string): DevServiceAccount {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    _comment: "DEV ONLY: generated for the local stack; not a Google credential. Never deploy it.",
    dev_only: true,
    type: "service_account",
    project_id: "loyalty-dev-local",
    private_key_id: randomBytes(20).toString("hex"),
    private_key: privateKey,
    client_email: DEV_CLIENT_EMAIL,
    token_uri: tokenUri,
  };
}

async function readExisting(path: string): Promise<DevServiceAccount | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<DevServiceAccount>;
  // Refuse to touch a file that is not ours: it might be a real key someone saved under this name.
  if (parsed.dev_only !== true || parsed.client_email !== DEV_CLIENT_EMAIL || !parsed.private_key) {
    throw new Error(`${path} exists but is not a generated dev service account; move it away`);
  }
  return parsed as DevServiceAccount;
}
