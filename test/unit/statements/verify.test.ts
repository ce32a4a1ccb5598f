import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { GENESIS_HASH, hashEntry } from "../../../shared/ledger/hash-chain.ts";
import {
  type SignedStatement,
  STATEMENT_FORMAT,
  type Statement,
  signStatement,
} from "../../../shared/statements/statement.ts";
import { verifyStatement } from "../../../shared/statements/verify.ts";
import { memorySigner } from "../../support/memory-keys.ts";

/** Three entries of one customer, chained as the ledger chains them. */
function chain(): Statement["entries"] {
  const drafts = [
    {
      type: "purchase",
      points: 23,
      inputs: { amount: "23.40", currency: "EUR" },
      explanation: "23.40 EUR → 23 points",
    },
    { type: "visit", points: 10, inputs: {}, explanation: "1 visit → 10 points" },
    { type: "redemption", points: -20, inputs: {}, explanation: "Coffee: −20 points" },
  ];
  let prevHash = GENESIS_HASH;
  let balance = 0;
  return drafts.map((draft, i) => {
    balance += draft.points;
    const entry = {
      ...draft,
      id: `txn_${i + 1}`,
      merchantId: "m",
      customerId: "cus_1",
      seq: i + 1,
      balanceAfter: balance,
      createdAt: `2026-02-0${i + 1}T10:00:00.000Z`,
      prevHash,
    };
    const hashed = { ...entry, hash: hashEntry(entry) };
    prevHash = hashed.hash;
    return hashed;
  });
}

function statementOf(entries: Statement["entries"]): Statement {
  const last = entries.at(-1) as { hash: string; seq: number; balanceAfter: number };
  return {
    format: STATEMENT_FORMAT,
    merchant: { id: "m", name: "Shop" },
    customerId: "cus_1",
    issuedAt: "2026-03-01T12:00:00.000Z",
    jwksUrl: "https://api.example/v1/merchants/m/jwks.json",
    head: { seq: last.seq, hash: last.hash, balance: last.balanceAfter },
    entries,
  };
}

let signer: Awaited<ReturnType<typeof memorySigner>>;
let signed: SignedStatement;
const sign = (statement: Statement) => signStatement(signer.deps, statement, signer.key);
/** A deep copy to tamper with. */
const copy = (): SignedStatement => structuredClone(signed);

beforeAll(async () => {
  signer = await memorySigner();
  signed = await sign(statementOf(chain()));
});

describe("signed statements", () => {
  it("verify: signature by the published key, chain intact up to the head", async () => {
    expect(await verifyStatement(signed, signer.jwks)).toEqual({
      valid: true,
      signature: { valid: true, kid: signer.key.kid },
      chain: { valid: true, entries: 3, head: signed.statement.head.hash },
    });
  });

  it("fail when an entry is edited: the signature no longer covers it, and its hash no longer matches", async () => {
    const tampered = copy();
    (tampered.statement.entries[1] as { points: number }).points = 100;
    const verdict = await verifyStatement(tampered, signer.jwks);
    expect(verdict.valid).toBe(false);
    expect(verdict.signature).toEqual({
      valid: false,
      reason: "the statement is not the one that was signed",
    });
    expect(verdict.chain).toMatchObject({ valid: false, firstInvalidEntryId: "txn_2" });
  });

  it("fail when an entry is edited even if the result is signed again: the chain alone catches it", async () => {
    const tampered = copy();
    (tampered.statement.entries[0] as { explanation: string }).explanation = "23.40 EUR → 2 points";
    const resigned = await sign(tampered.statement);
    const verdict = await verifyStatement(resigned, signer.jwks);
    expect(verdict.signature.valid).toBe(true);
    expect(verdict.chain).toMatchObject({
      valid: false,
      firstInvalidEntryId: "txn_1",
      reason: "the entry's content does not match its hash",
    });
    expect(verdict.valid).toBe(false);
  });

  it.each([
    ["removed from the middle", (e: unknown[]) => e.splice(1, 1), "an entry is missing or out of order"],
    [
      "removed from the end",
      (e: unknown[]) => e.pop(),
      "the chain does not end at the customer's recorded head",
    ],
    ["reordered", (e: unknown[]) => e.reverse(), "an entry is missing or out of order"],
  ])("fail when an entry is %s, signed again or not", async (_name, change, reason) => {
    const tampered = copy();
    change(tampered.statement.entries);
    const unsigned = await verifyStatement(tampered, signer.jwks);
    expect(unsigned.valid).toBe(false);
    expect(unsigned.signature.valid).toBe(false);
    const resigned = await verifyStatement(await sign(tampered.statement), signer.jwks);
    expect(resigned.signature.valid).toBe(true);
    expect(resigned.chain).toMatchObject({ valid: false, reason });
  });

  it("fail against another key published under the same key id, or a key set without it", async () => {
    const other = await memorySigner();
    const impostor = { keys: [{ ...other.jwks.keys[0], kid: signer.key.kid }] } as JSONWebKeySet;
    expect((await verifyStatement(signed, impostor)).signature).toEqual({
      valid: false,
      reason: "the signature does not match the key",
    });
    expect((await verifyStatement(signed, other.jwks)).signature).toEqual({
      valid: false,
      reason: "no key in the key set matches the signature's key id",
    });
  });

  it("fail when the signature is modified", async () => {
    const [header, payload, signature = ""] = signed.signature.split(".");
    const flipped = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    const verdict = await verifyStatement(
      { ...copy(), signature: [header, payload, flipped].join(".") },
      signer.jwks,
    );
    expect(verdict.signature).toEqual({ valid: false, reason: "the signature does not match the key" });
    expect(verdict.valid).toBe(false);
    // A payload naming another digest, with the original signature.
    const forgedPayload = Buffer.from(JSON.stringify({ sha256: "0".repeat(64) })).toString("base64url");
    const swapped = await verifyStatement(
      { ...copy(), signature: [header, forgedPayload, signature].join(".") },
      signer.jwks,
    );
    expect(swapped.signature.valid).toBe(false);
  });

  it("fail when the signature belongs to another statement, or is no signature at all", async () => {
    const otherCustomer = await sign({ ...statementOf(chain()), customerId: "cus_2" });
    expect(
      (await verifyStatement({ ...copy(), signature: otherCustomer.signature }, signer.jwks)).signature,
    ).toEqual({
      valid: false,
      reason: "the statement is not the one that was signed",
    });
    expect((await verifyStatement({ ...copy(), signature: "x.y.z" }, signer.jwks)).valid).toBe(false);
    expect((await verifyStatement({ statement: { entries: [] } }, signer.jwks)).valid).toBe(false);
  });
});

/** The few lines the README gives for checking a statement with off-the-shelf libraries only. */
async function readmeCheck(document: SignedStatement, jwks: JSONWebKeySet): Promise<void> {
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  const { statement, signature } = document;
  const { payload } = await compactVerify(signature, createLocalJWKSet(jwks), { algorithms: ["EdDSA"] });
  if (JSON.parse(new TextDecoder().decode(payload)).sha256 !== sha256(canonicalize(statement) as string)) {
    throw new Error("not the statement that was signed");
  }
  let prevHash = "0".repeat(64);
  let balance = 0;
  statement.entries.forEach(({ hash, ...entry }, i) => {
    const e = entry as { seq: number; prevHash: string; points: number };
    if (e.seq !== i + 1 || e.prevHash !== prevHash || sha256(canonicalize(entry) as string) !== hash) {
      throw new Error(`entry ${i + 1} is not intact`);
    }
    balance += e.points;
    prevHash = hash as string;
  });
  if (prevHash !== statement.head.hash || balance !== statement.head.balance) {
    throw new Error("the chain does not end at the head");
  }
}

describe("the README's verification snippet", () => {
  it("accepts a statement and rejects each kind of tampering", async () => {
    await expect(readmeCheck(signed, signer.jwks)).resolves.toBeUndefined();
    const edited = copy();
    (edited.statement.entries[0] as { points: number }).points = 24;
    await expect(readmeCheck(await sign(edited.statement), signer.jwks)).rejects.toThrow(
      "entry 1 is not intact",
    );
    const removed = copy();
    removed.statement.entries.splice(0, 1);
    await expect(readmeCheck(await sign(removed.statement), signer.jwks)).rejects.toThrow(
      "entry 1 is not intact",
    );
    const reordered = copy();
    reordered.statement.entries.reverse();
    await expect(readmeCheck(await sign(reordered.statement), signer.jwks)).rejects.toThrow("is not intact");
    const truncated = copy();
    truncated.statement.entries.pop();
    await expect(readmeCheck(await sign(truncated.statement), signer.jwks)).rejects.toThrow(
      "does not end at the head",
    );
    await expect(readmeCheck(edited, signer.jwks)).rejects.toThrow("not the statement that was signed");
    await expect(readmeCheck(signed, (await memorySigner()).jwks)).rejects.toThrow();
  });
});
