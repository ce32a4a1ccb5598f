import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { notFound } from "../errors.ts";
import { currentKey, type KeyRecord, type SigningDeps, signCompactJws } from "../keys/signing-keys.ts";
import { hashedContent } from "../ledger/hash-chain.ts";
import { getMerchant } from "../merchants/directory.ts";
import type { CustomerIdentity } from "../portal/access.ts";
import { readCustomer } from "../store/customers/profile.ts";
import { readWholeLedger } from "../store/ledger/entries.ts";
import { wellFormedDeep } from "../text.ts";

/**
 * A customer's whole ledger, signed by the merchant: entries exactly as hashed (so anyone can recompute the
 * chain) and the chain head, under a compact JWS made with the merchant's statement key. The JWS payload
 * carries the SHA-256 of the statement's RFC 8785 canonical JSON rather than the statement itself: the
 * signature stays small (a KMS key signs at most 4 KB), and the statement stays plain, readable JSON.
 */

export const STATEMENT_FORMAT = "loyalty-wallet/statement/1";
/** The JWS `typ`: a statement signature can never pass for a token, or the other way round. */
export const STATEMENT_JWS_TYPE = "loyalty-statement";

export interface Statement {
  format: typeof STATEMENT_FORMAT;
  merchant: { id: string; name: string };
  customerId: string;
  issuedAt: string;
  /** Where the merchant publishes the keys that check the signature. */
  jwksUrl: string;
  head: { seq: number; hash: string; balance: number };
  /** Oldest first; each exactly what its hash covers, plus the hash. */
  entries: Record<string, unknown>[];
}

export interface SignedStatement {
  statement: Statement;
  /** Compact JWS; its payload is `StatementSignaturePayload`. */
  signature: string;
}

export interface StatementSignaturePayload {
  merchantId: string;
  customerId: string;
  issuedAt: string;
  /** Hex SHA-256 of the statement's RFC 8785 canonical JSON. */
  sha256: string;
}

export function statementDigest(statement: unknown): string {
  const canonical = canonicalize(statement);
  if (canonical === undefined) throw new Error("statement cannot be canonicalised");
  return createHash("sha256").update(canonical).digest("hex");
}

export const jwksPath = (merchantId: string) => `/v1/merchants/${encodeURIComponent(merchantId)}/jwks.json`;

export async function signedStatement(
  deps: SigningDeps,
  member: CustomerIdentity,
  apiBaseUrl: string,
): Promise<SignedStatement> {
  const { db } = deps;
  const [customer, merchant] = await Promise.all([
    readCustomer(db, member.merchantId, member.customerId),
    getMerchant(db, member.merchantId),
  ]);
  if (!customer || !merchant) throw notFound("Customer");
  // The profile is read first: entries appended after it lie past the head it names, and are left out.
  const entries = (await readWholeLedger(db, member.merchantId, member.customerId)).filter(
    (entry) => entry.seq <= customer.seq,
  );
  // Well-formed so it can be canonicalised and signed: a lone surrogate stored before the API refused them
  // (in the merchant's name, say) shows as U+FFFD here instead of failing every statement of the merchant.
  // Entries were hashed as RFC 8785 JSON when written, so they hold none; should one, it shows changed and
  // the chain check says so, which is the truth about it. The stored entries themselves are never rewritten.
  const statement: Statement = wellFormedDeep({
    format: STATEMENT_FORMAT,
    merchant: { id: merchant.id, name: merchant.name },
    customerId: customer.id,
    issuedAt: deps.clock().toISOString(),
    jwksUrl: `${apiBaseUrl}${jwksPath(merchant.id)}`,
    head: { seq: customer.seq, hash: customer.headHash, balance: customer.balance },
    entries: entries.map((entry) => ({ ...hashedContent(entry), hash: entry.hash })),
  } satisfies Statement);
  return signStatement(deps, statement, await currentKey(deps, merchant.id, "statement"));
}

/** Signs a statement with one of its merchant's keys. */
export async function signStatement(
  deps: SigningDeps,
  statement: Statement,
  key: KeyRecord,
): Promise<SignedStatement> {
  const payload: StatementSignaturePayload = {
    merchantId: statement.merchant.id,
    customerId: statement.customerId,
    issuedAt: statement.issuedAt,
    sha256: statementDigest(statement),
  };
  return {
    statement,
    signature: await signCompactJws(deps, statement.merchant.id, key, { typ: STATEMENT_JWS_TYPE }, payload),
  };
}
