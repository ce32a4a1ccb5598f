import {
  CreateKeyCommand,
  GetPublicKeyCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
} from "@aws-sdk/client-kms";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { compactVerify, createLocalJWKSet } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { errorResponse } from "../../../functions/http/problem.ts";
import { DomainError, UnavailableError } from "../../../shared/errors.ts";
import { keyBackend } from "../../../shared/keys/key-backend.ts";
import { kmsKeyBackend } from "../../../shared/keys/kms-key-backend.ts";
import {
  currentKey,
  publicKeys,
  rotateKey,
  type SigningDeps,
  signCompactJws,
} from "../../../shared/keys/signing-keys.ts";
import { GENESIS_HASH } from "../../../shared/ledger/hash-chain.ts";
import { issuePortalToken, verifyPortalToken } from "../../../shared/portal/access.ts";
import { STATEMENT_FORMAT, type Statement, signStatement } from "../../../shared/statements/statement.ts";
import { verifyStatement } from "../../../shared/statements/verify.ts";
import { createDb } from "../../../shared/store/db/client.ts";
import { fakeKms, fakeRingTable } from "../../support/fake-kms.ts";

// The KMS backend against a KMS that holds real Ed25519 keys (test/support/fake-kms.ts): every
// signature below is checked with the public key alone, as a verifier outside AWS would.

const clock = () => new Date("2026-03-01T12:00:00Z");
const member = { merchantId: "m1", customerId: "cus_1" };

let kms: ReturnType<typeof fakeKms>;
let table: ReturnType<typeof fakeRingTable>;
let deps: SigningDeps;
/** Another container: its own backend (and KMS client), the same table. */
let otherDeps: SigningDeps;

beforeEach(() => {
  kms = fakeKms();
  const db = createDb({ table: "t", endpoint: "http://127.0.0.1:1" });
  table = fakeRingTable(db);
  deps = { db, clock, backend: kmsKeyBackend() };
  otherDeps = { db, clock, backend: kmsKeyBackend() };
});

const creates = () => kms.mock.commandCalls(CreateKeyCommand).map((call) => call.args[0].input);
/** The ARN of every key made, in order. */
const createdArns = () =>
  Promise.all(
    kms.mock.commandCalls(CreateKeyCommand).map(async (call) => (await call.returnValue).KeyMetadata?.Arn),
  );
const jwksOf = async (purpose: "statement" | "portal") =>
  createLocalJWKSet({ keys: await publicKeys(deps.db, member.merchantId, purpose) });
const verifies = async (jws: string, purpose: "statement" | "portal" = "statement") =>
  compactVerify(jws, await jwksOf(purpose), { algorithms: ["EdDSA"] }).then(
    () => true,
    () => false,
  );
const awsError = (name: string, httpStatusCode = 400) =>
  Object.assign(new Error(`${name} from KMS`), { name, $metadata: { httpStatusCode } });

describe("first use", () => {
  it("makes one KMS key per merchant and purpose: Ed25519, for signing, tagged and described", async () => {
    const portal = await currentKey(deps, "m1", "portal");
    expect(creates()).toEqual([
      {
        KeySpec: "ECC_NIST_EDWARDS25519",
        KeyUsage: "SIGN_VERIFY",
        Description: "loyalty-wallet: portal signing key of merchant m1",
        Tags: [
          { TagKey: "app", TagValue: "loyalty-wallet" },
          { TagKey: "merchantId", TagValue: "m1" },
          { TagKey: "purpose", TagValue: "portal" },
        ],
      },
    ]);
    // The ring keeps the ARN as the key's ref, and the public key read once from GetPublicKey.
    expect(portal.ref).toBe(await createdArns().then((arns) => arns[0]));
    expect(kms.mock.commandCalls(GetPublicKeyCommand).map((call) => call.args[0].input)).toEqual([
      { KeyId: portal.ref },
    ]);
    expect(await publicKeys(deps.db, "m1", "portal")).toEqual([
      { kty: "OKP", crv: "Ed25519", x: portal.x, kid: portal.kid, alg: "EdDSA", use: "sig" },
    ]);

    expect(await currentKey(deps, "m1", "portal")).toEqual(portal);
    const statement = await currentKey(deps, "m1", "statement");
    const other = await currentKey(deps, "m2", "portal");
    expect(creates().map((input) => input.Tags?.map((tag) => tag.TagValue))).toEqual([
      ["loyalty-wallet", "m1", "portal"],
      ["loyalty-wallet", "m1", "statement"],
      ["loyalty-wallet", "m2", "portal"],
    ]);
    expect(new Set([portal.ref, statement.ref, other.ref]).size).toBe(3);
  });

  it("lets one of two containers' keys in at once; the other is scheduled for deletion, both sign with the winner's", async () => {
    const [a, b] = await Promise.all([
      currentKey(deps, "m1", "statement"),
      currentKey(otherDeps, "m1", "statement"),
    ]);
    expect(a).toEqual(b);
    const refs = await createdArns();
    expect(refs).toHaveLength(2);
    const loser = refs.find((ref) => ref !== a.ref);
    expect(kms.mock.commandCalls(ScheduleKeyDeletionCommand).map((call) => call.args[0].input)).toEqual([
      { KeyId: loser, PendingWindowInDays: 30 },
    ]);
    expect(await publicKeys(deps.db, "m1", "statement")).toEqual([expect.objectContaining({ kid: a.kid })]);
    const jws = await signCompactJws(otherDeps, "m1", b, { typ: "test" }, { n: 1 });
    expect(await verifies(jws)).toBe(true);
  });

  it("still answers when the losing key cannot be retired: the key is left (and logged), not the request failed", async () => {
    kms.mock.on(ScheduleKeyDeletionCommand).rejects(awsError("ThrottlingException"));
    const [a, b] = await Promise.all([
      currentKey(deps, "m1", "portal"),
      currentKey(otherDeps, "m1", "portal"),
    ]);
    expect(a.kid).toBe(b.kid);
    expect(kms.mock.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(1);
  });
});

describe("signing", () => {
  it("calls Sign with ED25519_SHA_512 over the raw JWS signing input; the portal token verifies without KMS", async () => {
    const token = await issuePortalToken(deps, member);
    const key = await currentKey(deps, "m1", "portal");
    const signingInput = token.slice(0, token.lastIndexOf("."));
    expect(kms.mock.commandCalls(SignCommand).map((call) => call.args[0].input)).toEqual([
      {
        KeyId: key.ref,
        Message: Buffer.from(signingInput, "ascii"),
        MessageType: "RAW",
        SigningAlgorithm: "ED25519_SHA_512",
      },
    ]);

    const callsBefore = kms.mock.calls().length;
    expect(await verifyPortalToken(deps.db, token)).toEqual(member);
    expect(await verifies(token, "portal")).toBe(true);
    expect(kms.mock.calls()).toHaveLength(callsBefore);
    // Signed by KMS, checked against the merchant's other key: no.
    expect(await verifies(token, "statement")).toBe(false);
  });

  it("signs a statement's digest, far under KMS's 4 KB, and the statement verifies against the published keys", async () => {
    const statement: Statement = {
      format: STATEMENT_FORMAT,
      merchant: { id: "m1", name: "Shop" },
      customerId: "cus_1",
      issuedAt: clock().toISOString(),
      jwksUrl: "https://api.example/v1/merchants/m1/jwks.json",
      head: { seq: 0, hash: GENESIS_HASH, balance: 0 },
      entries: [],
    };
    const key = await currentKey(deps, "m1", "statement");
    const signed = await signStatement(deps, statement, key);
    const message = kms.mock.commandCalls(SignCommand)[0]?.args[0].input.Message;
    expect(message?.byteLength).toBeLessThan(1024);
    const verdict = await verifyStatement(signed, { keys: await publicKeys(deps.db, "m1", "statement") });
    expect(verdict.signature).toEqual({ valid: true, kid: key.kid });
  });

  it("refuses a message over KMS's 4096-byte RAW limit without calling KMS", async () => {
    const key = await currentKey(deps, "m1", "statement");
    await expect(deps.backend.sign("m1", key.ref, new Uint8Array(4097))).rejects.toThrow(/4096/);
    expect(kms.mock.commandCalls(SignCommand)).toHaveLength(0);
    expect(await deps.backend.sign("m1", key.ref, new Uint8Array(4096))).toHaveLength(64);
  });
});

describe("rotation", () => {
  it("makes a new current KMS key, keeps the previous one verifiable and schedules the one before for deletion", async () => {
    const first = await currentKey(deps, "m1", "statement");
    const before = await signCompactJws(deps, "m1", first, { typ: "test" }, { n: 1 });

    const rotated = await rotateKey(deps, "m1", "statement");
    const second = await currentKey(deps, "m1", "statement");
    expect(rotated.map((key) => key.kid)).toEqual([second.kid, first.kid]);
    expect(second.ref).not.toBe(first.ref);
    expect(creates()).toHaveLength(2);
    expect(kms.retired()).toEqual([]);
    expect(await verifies(before)).toBe(true);
    const after = await signCompactJws(deps, "m1", second, { typ: "test" }, { n: 2 });
    expect(kms.mock.commandCalls(SignCommand).at(-1)?.args[0].input.KeyId).toBe(second.ref);
    expect(await verifies(after)).toBe(true);

    const third = await rotateKey(deps, "m1", "statement");
    expect(third.map((key) => key.kid)).toEqual([expect.any(String), second.kid]);
    expect(kms.mock.commandCalls(ScheduleKeyDeletionCommand).map((call) => call.args[0].input)).toEqual([
      { KeyId: first.ref, PendingWindowInDays: 30 },
    ]);
    expect(await verifies(before)).toBe(false);
    expect(await verifies(after)).toBe(true);
  });

  it("of two rotations at once, one wins; the other is a 409 and its new key is scheduled for deletion", async () => {
    await currentKey(deps, "m1", "statement");
    const results = await Promise.allSettled([
      rotateKey(deps, "m1", "statement"),
      rotateKey(otherDeps, "m1", "statement"),
    ]);
    const rejected = results.filter((result) => result.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ kind: "conflict" });
    const current = await currentKey(deps, "m1", "statement");
    const newKeys = (await createdArns()).slice(1);
    expect(newKeys).toContain(current.ref);
    expect(kms.retired()).toEqual(newKeys.filter((ref) => ref !== current.ref));
  });
});

describe("a busy or slow KMS", () => {
  const timeout = () => Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
  it.each([
    ["Sign throttled", () => kms.mock.on(SignCommand).rejects(awsError("ThrottlingException"))],
    ["Sign timed out", () => kms.mock.on(SignCommand).rejects(timeout())],
    [
      "Sign failing inside KMS",
      () => kms.mock.on(SignCommand).rejects(awsError("KMSInternalException", 500)),
    ],
    ["CreateKey throttled", () => kms.mock.on(CreateKeyCommand).rejects(awsError("ThrottlingException"))],
  ])("is a 503 with Retry-After, not a 500 (%s)", async (_what, fail) => {
    fail();
    const failure = await issuePortalToken(deps, member).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(UnavailableError);
    const response = errorResponse(failure, "req-1");
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ "retry-after": "1" });
  });

  it("after CreateKey, a failed GetPublicKey retires the new key at once and is a 503", async () => {
    kms.mock.on(GetPublicKeyCommand).rejects(awsError("ThrottlingException"));
    await expect(currentKey(deps, "m1", "portal")).rejects.toBeInstanceOf(UnavailableError);
    expect(kms.retired()).toEqual(await createdArns());
    expect(table.items.size).toBe(0);
  });

  it("keeps a refusal a refusal: access denied is no 503", async () => {
    kms.mock.on(SignCommand).rejects(awsError("AccessDeniedException"));
    const failure = await issuePortalToken(deps, member).catch((e: unknown) => e);
    expect(failure).not.toBeInstanceOf(DomainError);
    expect(errorResponse(failure, "req-1").statusCode).toBe(500);
  });
});

describe("which backend", () => {
  it("is the table on the local stack (DYNAMODB_ENDPOINT set) and KMS everywhere else", async () => {
    const local = keyBackend(deps.db, clock, { DYNAMODB_ENDPOINT: "http://127.0.0.1:8000" });
    await local.create("m1", "portal");
    expect(creates()).toHaveLength(0);
    expect(table.mock.commandCalls(PutCommand)[0]?.args[0].input.Item?.sk).toMatch(/^PRIVATE_KEY#/);

    const aws = keyBackend(deps.db, clock, {});
    const { ref } = await aws.create("m1", "portal");
    expect(creates()).toHaveLength(1);
    expect(ref).toMatch(/^arn:aws:kms:/);
    expect(table.mock.commandCalls(PutCommand)).toHaveLength(1);
  });
});
