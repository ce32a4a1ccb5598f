import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import {
  SECRETS_CONNECT_TIMEOUT_MS,
  SECRETS_MAX_ATTEMPTS,
  SECRETS_REQUEST_TIMEOUT_MS,
} from "../shared/budgets.ts";
import { sdkClientBudget } from "../shared/sdk-client-budget.ts";
import type { PassCertificates } from "./apple/pass-certificates.ts";
import type { ServiceAccountKey } from "./google/service-account.ts";
import type { AppleWalletConfig, SecretSource } from "./wallet-config.ts";

// Loaded once per container: a rotated secret reaches new containers, and old ones within the hour.
const SECRET_MAX_AGE_SECONDS = 3600;

let secrets: SecretsProvider | undefined;

/** Powertools' cached provider, on a client whose waits are bounded (getSecret's default client has none). */
function secretsProvider(): SecretsProvider {
  secrets ??= new SecretsProvider({
    clientConfig: sdkClientBudget({
      connectTimeoutMs: SECRETS_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: SECRETS_REQUEST_TIMEOUT_MS,
      maxAttempts: SECRETS_MAX_ATTEMPTS,
    }),
  });
  return secrets;
}

/** The text of a secret, from its file locally or from Secrets Manager (through Powertools, cached) on AWS. */
export async function readSecretText(source: SecretSource): Promise<string> {
  if (source.kind === "file") return readFile(source.path, "utf8");
  const value = await secretsProvider().get(source.id, { maxAge: SECRET_MAX_AGE_SECONDS });
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  throw new Error(`secret ${source.id} has no value`);
}

async function readSecretJson<T>(
  source: SecretSource,
  what: string,
  required: readonly string[],
): Promise<T> {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(await readSecretText(source)) as Record<string, unknown>;
  } catch {
    // The message names the secret, never its content.
    throw new Error(`the ${what} secret is not JSON`);
  }
  const missing = required.filter((name) => typeof parsed[name] !== "string");
  if (missing.length > 0) throw new Error(`the ${what} secret lacks ${missing.join(", ")}`);
  return parsed as T;
}

/** PEM contents; locally a directory as infra/local/dev-certificates.ts writes it. */
export async function loadPassCertificates(
  source: AppleWalletConfig["certificates"],
): Promise<PassCertificates> {
  if (source.kind === "secretsManager") {
    return readSecretJson<PassCertificates>(source, "pass certificates", ["wwdr", "signerCert", "signerKey"]);
  }
  const [wwdr, signerCert, signerKey] = await Promise.all(
    ["wwdr.pem", "signerCert.pem", "signerKey.pem"].map((name) => readFile(join(source.path, name), "utf8")),
  );
  return { wwdr: wwdr as string, signerCert: signerCert as string, signerKey: signerKey as string };
}

/** An APNs auth key (.p8) for token authentication: `{keyId, signingKey}`. */
export function loadApnsKey(source: SecretSource): Promise<{ keyId: string; signingKey: string }> {
  return readSecretJson(source, "APNs key", ["keyId", "signingKey"]);
}

export function loadServiceAccount(source: SecretSource): Promise<ServiceAccountKey> {
  return readSecretJson(source, "Google service account", ["client_email", "private_key"]);
}

/** The download-link key: at least 32 bytes of text, so it cannot be brute-forced from a link. */
export async function loadLinkKey(source: SecretSource): Promise<Buffer> {
  const key = Buffer.from((await readSecretText(source)).trim(), "utf8");
  if (key.length < 32) throw new Error("the pass link key is shorter than 32 bytes");
  return key;
}
