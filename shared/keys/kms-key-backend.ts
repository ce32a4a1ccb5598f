import { createPublicKey } from "node:crypto";
import {
  CreateKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
  SignCommand,
} from "@aws-sdk/client-kms";
import { KMS_CONNECT_TIMEOUT_MS, KMS_MAX_ATTEMPTS, KMS_REQUEST_TIMEOUT_MS } from "../budgets.ts";
import { UnavailableError } from "../errors.ts";
import { logger } from "../logger.ts";
import { sdkClientBudget } from "../sdk-client-budget.ts";
import type { Ed25519PublicJwk, KeyBackend } from "./key-backend.ts";
import {
  KMS_APP_TAG,
  KMS_DELETION_WINDOW_DAYS,
  KMS_KEY_SPEC,
  KMS_KEY_USAGE,
  KMS_MAX_MESSAGE_BYTES,
  KMS_SIGNING_ALGORITHM,
} from "./kms-key-settings.ts";

/**
 * Keys that never leave KMS: one KMS key per merchant and purpose, its ARN as the ring's `ref`. The public
 * key is read once, when the key is made, and kept in the ring, so checking a signature never calls KMS.
 */

/** "Busy or slow right now": worth a retry by the client (a 503), unlike a refusal or a bad request. */
const TRANSIENT_ERRORS = new Set([
  "ThrottlingException",
  "KMSInternalException",
  "DependencyTimeoutException",
  "TimeoutError",
]);
const RETRY_AFTER_SECONDS = 1;

function isTransient(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode ?? 0;
  return TRANSIENT_ERRORS.has(name ?? "") || status === 429 || status >= 500;
}

/** A KMS call whose transient failure (after the SDK's own retries) reaches the client as a 503, not a 500. */
async function kmsCall<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!isTransient(error)) throw error;
    throw new UnavailableError("Signing is busy right now; retry shortly.", RETRY_AFTER_SECONDS);
  }
}

/** GetPublicKey's DER SubjectPublicKeyInfo as the JWK the key ring stores. */
function ed25519Jwk(spki: Uint8Array | undefined): Ed25519PublicJwk {
  if (!spki) throw new Error("GetPublicKey returned no public key");
  const jwk = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }).export({
    format: "jwk",
  });
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    throw new Error(`KMS key is not an Ed25519 key (${jwk.kty} ${jwk.crv ?? ""})`);
  }
  return { kty: "OKP", crv: "Ed25519", x: jwk.x };
}

/**
 * The SDK retries throttling and timeouts itself; shared/budgets.ts's bounds keep all of it well inside
 * the function's timeout, so a stuck KMS answers 503 rather than a gateway timeout.
 */
const defaultClient = () =>
  new KMSClient(
    sdkClientBudget({
      connectTimeoutMs: KMS_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: KMS_REQUEST_TIMEOUT_MS,
      maxAttempts: KMS_MAX_ATTEMPTS,
    }),
  );

export function kmsKeyBackend(options: { client?: KMSClient } = {}): KeyBackend {
  let kms = options.client;
  const client = () => {
    kms ??= defaultClient();
    return kms;
  };

  const retire = async (ref: string) => {
    await kmsCall(() =>
      client().send(
        new ScheduleKeyDeletionCommand({ KeyId: ref, PendingWindowInDays: KMS_DELETION_WINDOW_DAYS }),
      ),
    );
  };

  return {
    async create(merchantId, purpose) {
      const { KeyMetadata } = await kmsCall(() =>
        client().send(
          new CreateKeyCommand({
            KeySpec: KMS_KEY_SPEC,
            KeyUsage: KMS_KEY_USAGE,
            Description: `${KMS_APP_TAG.value}: ${purpose} signing key of merchant ${merchantId}`,
            // The app tag is what the functions' IAM policy lets them use and retire (access-grants.ts).
            Tags: [
              { TagKey: KMS_APP_TAG.key, TagValue: KMS_APP_TAG.value },
              { TagKey: "merchantId", TagValue: merchantId },
              { TagKey: "purpose", TagValue: purpose },
            ],
          }),
        ),
      );
      const ref = KeyMetadata?.Arn;
      if (!ref) throw new Error("CreateKey returned no key ARN");
      try {
        const { PublicKey } = await kmsCall(() => client().send(new GetPublicKeyCommand({ KeyId: ref })));
        return { ref, publicJwk: ed25519Jwk(PublicKey) };
      } catch (error) {
        // No ring will ever name this key: retire it now rather than pay for it every month.
        await retire(ref).catch((retireError: unknown) =>
          logger.warn("orphan signing key not retired; schedule its deletion by hand", {
            merchantId,
            keyRef: ref,
            errorName: (retireError as Error).name,
          }),
        );
        throw error;
      }
    },

    async sign(_merchantId, ref, data) {
      // Checked here: KMS would refuse with a ValidationException that says less.
      if (data.byteLength > KMS_MAX_MESSAGE_BYTES) {
        throw new Error(`cannot sign ${data.byteLength} bytes: KMS signs at most ${KMS_MAX_MESSAGE_BYTES}`);
      }
      const { Signature } = await kmsCall(() =>
        client().send(
          new SignCommand({
            KeyId: ref,
            Message: data,
            MessageType: "RAW",
            SigningAlgorithm: KMS_SIGNING_ALGORITHM,
          }),
        ),
      );
      // RFC 8032: R and S, 32 bytes each; anything else would make a JWS nobody can verify.
      if (Signature?.length !== 64) throw new Error("KMS returned no 64-byte Ed25519 signature");
      return Signature;
    },

    async retire(_merchantId, ref) {
      await retire(ref);
    },
  };
}
