import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  CreateKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  KMSInvalidStateException,
  ScheduleKeyDeletionCommand,
  SignCommand,
} from "@aws-sdk/client-kms";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { Db } from "../../shared/store/db/client.ts";

/**
 * KMS as the signing code sees it, with real Ed25519 keys: CreateKey makes a key pair, GetPublicKey hands
 * out its DER SubjectPublicKeyInfo, Sign signs with its private key, so what the code signs verifies for
 * real. A key scheduled for deletion refuses to sign, as in KMS. Mocks every KMSClient (aws-sdk-client-mock).
 */
export function fakeKms() {
  const mock = mockClient(KMSClient);
  const keys = new Map<string, { privateKey: KeyObject; spki: Buffer; deletionWindow?: number }>();
  let made = 0;
  mock.on(CreateKeyCommand).callsFake(() => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    made += 1;
    const arn = `arn:aws:kms:eu-west-3:123456789012:key/00000000-0000-4000-8000-${String(made).padStart(12, "0")}`;
    keys.set(arn, { privateKey, spki: publicKey.export({ format: "der", type: "spki" }) });
    return { KeyMetadata: { Arn: arn, KeyId: arn.split("/")[1] } };
  });
  const keyOf = (id: string | undefined) => {
    const key = keys.get(id ?? "");
    if (!key) throw new Error(`fake KMS has no key ${id}`);
    return key;
  };
  mock.on(GetPublicKeyCommand).callsFake((input) => ({
    KeyId: input.KeyId,
    KeySpec: "ECC_NIST_EDWARDS25519",
    PublicKey: new Uint8Array(keyOf(input.KeyId).spki),
  }));
  mock.on(SignCommand).callsFake((input) => {
    const key = keyOf(input.KeyId);
    if (key.deletionWindow !== undefined) {
      throw new KMSInvalidStateException({ message: "pending deletion", $metadata: {} });
    }
    return {
      KeyId: input.KeyId,
      SigningAlgorithm: input.SigningAlgorithm,
      Signature: new Uint8Array(sign(null, input.Message ?? new Uint8Array(), key.privateKey)),
    };
  });
  mock.on(ScheduleKeyDeletionCommand).callsFake((input) => {
    keyOf(input.KeyId).deletionWindow = input.PendingWindowInDays;
    return {
      KeyId: input.KeyId,
      KeyState: "PendingDeletion",
      PendingWindowInDays: input.PendingWindowInDays,
    };
  });
  return {
    mock,
    /** ARNs of the keys scheduled for deletion, in the order they were. */
    retired: () => mock.commandCalls(ScheduleKeyDeletionCommand).map((call) => call.args[0].input.KeyId),
  };
}

/**
 * Just enough of the table for key rings and portal versions: Get, conditional Put (attribute_not_exists)
 * and the ring's rotation Update (on `#current.kid = :kid`), each as DynamoDB would answer.
 */
export function fakeRingTable(db: Db) {
  const mock = mockClient(db.client as unknown as DynamoDBDocumentClient);
  const items = new Map<string, Record<string, unknown>>();
  const keyOf = (key: Record<string, unknown> | undefined) => `${key?.pk}|${key?.sk}`;
  const conditionFailed = () =>
    new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
  mock.on(GetCommand).callsFake((input) => ({ Item: structuredClone(items.get(keyOf(input.Key))) }));
  mock.on(PutCommand).callsFake((input) => {
    const key = keyOf(input.Item);
    if (input.ConditionExpression === "attribute_not_exists(pk)" && items.has(key)) throw conditionFailed();
    items.set(key, structuredClone(input.Item ?? {}));
    return {};
  });
  mock.on(UpdateCommand).callsFake((input) => {
    const key = keyOf(input.Key);
    const ring = items.get(key) as { current?: { kid: string } } | undefined;
    const values = input.ExpressionAttributeValues ?? {};
    if (ring?.current?.kid !== values[":kid"]) throw conditionFailed();
    items.set(key, {
      ...ring,
      current: values[":next"],
      previous: values[":current"],
      updatedAt: values[":now"],
    });
    return {};
  });
  return { mock, items };
}
