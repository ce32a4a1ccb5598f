import { compactVerify, createLocalJWKSet, errors, type JSONWebKeySet } from "jose";
import { type ChainVerdict, type StoredEntry, verifyChain } from "../ledger/hash-chain.ts";
import {
  STATEMENT_FORMAT,
  STATEMENT_JWS_TYPE,
  type Statement,
  type StatementSignaturePayload,
  statementDigest,
} from "./statement.ts";

/**
 * Checks a signed statement offline, in two independent parts: the signature (the merchant's key signed
 * this very statement) and the hash chain (every entry is intact, none is missing, none moved, and the
 * chain ends at the head). Either part alone catches an edited, removed or reordered entry.
 */

export type SignatureVerdict = { valid: true; kid: string } | { valid: false; reason: string };

export interface StatementVerdict {
  valid: boolean;
  signature: SignatureVerdict;
  chain: ChainVerdict;
}

function isStatement(value: unknown): value is Statement {
  const s = value as Statement | undefined;
  return (
    typeof s === "object" &&
    s !== null &&
    s.format === STATEMENT_FORMAT &&
    Array.isArray(s.entries) &&
    typeof s.head === "object" &&
    s.head !== null &&
    typeof s.merchant?.id === "string" &&
    typeof s.customerId === "string"
  );
}

async function checkSignature(
  statement: Statement,
  signature: string,
  jwks: JSONWebKeySet,
): Promise<SignatureVerdict> {
  let verified: Awaited<ReturnType<typeof compactVerify>>;
  try {
    verified = await compactVerify(signature, createLocalJWKSet(jwks), { algorithms: ["EdDSA"] });
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey) {
      return { valid: false, reason: "no key in the key set matches the signature's key id" };
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return { valid: false, reason: "the signature does not match the key" };
    }
    return { valid: false, reason: `the signature cannot be read (${(error as Error).message})` };
  }
  if (verified.protectedHeader.typ !== STATEMENT_JWS_TYPE) {
    return { valid: false, reason: "the signature was not made for a statement" };
  }
  let payload: Partial<StatementSignaturePayload>;
  try {
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Partial<StatementSignaturePayload>;
  } catch {
    return { valid: false, reason: "the signed payload is not JSON" };
  }
  let digest: string;
  try {
    digest = statementDigest(statement);
  } catch {
    // Only well-formed JSON is ever signed (a lone surrogate, say, cannot be canonicalised).
    return {
      valid: false,
      reason: "the statement cannot be canonicalised, so it is not the one that was signed",
    };
  }
  if (payload.sha256 !== digest) {
    return { valid: false, reason: "the statement is not the one that was signed" };
  }
  if (payload.merchantId !== statement.merchant.id || payload.customerId !== statement.customerId) {
    return { valid: false, reason: "the signature was made for another merchant or customer" };
  }
  return { valid: true, kid: String(verified.protectedHeader.kid) };
}

export async function verifyStatement(document: unknown, jwks: JSONWebKeySet): Promise<StatementVerdict> {
  const { statement, signature } = (document ?? {}) as { statement?: unknown; signature?: unknown };
  if (!isStatement(statement) || typeof signature !== "string") {
    const reason = "this is not a signed loyalty-wallet statement";
    return {
      valid: false,
      signature: { valid: false, reason },
      chain: { valid: false, entries: 0, firstInvalidEntryId: null, reason },
    };
  }
  const signatureVerdict = await checkSignature(statement, signature, jwks);
  let chain: ChainVerdict;
  try {
    chain = verifyChain(statement.entries as StoredEntry[], {
      seq: statement.head.seq,
      headHash: statement.head.hash,
      balance: statement.head.balance,
    });
  } catch {
    chain = {
      valid: false,
      entries: statement.entries.length,
      firstInvalidEntryId: null,
      reason: "an entry cannot be read",
    };
  }
  return { valid: signatureVerdict.valid && chain.valid, signature: signatureVerdict, chain };
}
