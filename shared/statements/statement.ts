import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { notFound, ValidationError } from "../errors.ts";
import { currentKey, type KeyRecord, type SigningDeps, signCompactJws } from "../keys/signing-keys.ts";
import { GENESIS_HASH, hashedContent } from "../ledger/hash-chain.ts";
import { getMerchant } from "../merchants/directory.ts";
import { decodeCursor, encodeCursor } from "../pagination.ts";
import type { CustomerIdentity } from "../portal/access.ts";
import { readCustomer } from "../store/customers/profile.ts";
import { readEntry } from "../store/ledger/entries.ts";
import { readEntryRange } from "../store/ledger/entry-range.ts";
import { wellFormedDeep } from "../text.ts";

/**
 * A customer's ledger, signed by the merchant, in pages: each page holds a run of entries exactly as hashed
 * (so anyone can recompute the chain), the point of the chain it starts after, and the head the whole
 * statement runs to, under a compact JWS made with the merchant's statement key. The JWS payload carries the
 * SHA-256 of the page's RFC 8785 canonical JSON rather than the page itself: the signature stays small (a KMS
 * key signs at most 4 KB), and the page stays plain, readable JSON. It also names the page's two ends in the
 * chain, so that one signature alone is a checkpoint: "entry n of this customer has this hash and balance".
 * A ledger that fits one page is one page, starting at the genesis: the statement format 1 always was.
 */

export const STATEMENT_FORMAT = "loyalty-wallet/statement/1";
/** The JWS `typ`: a statement signature can never pass for a token, or the other way round. */
export const STATEMENT_JWS_TYPE = "loyalty-statement";
/**
 * Entries per page at most: ≈ 1.6 MB of JSON for ordinary entries, well inside Lambda's 6 MB response, and
 * two DynamoDB query pages.
 */
export const STATEMENT_PAGE_ENTRIES = 2_000;
/** And bytes per page at most (JSON of the entries), whatever the entries hold. */
export const STATEMENT_PAGE_BYTES = 4_000_000;

/** A place in the customer's chain: after entry `seq`, whose hash and balance after are these. */
export interface ChainPoint {
  seq: number;
  hash: string;
  balance: number;
}

/** Before the first entry. */
export const GENESIS: ChainPoint = { seq: 0, hash: GENESIS_HASH, balance: 0 };

export interface Statement {
  format: typeof STATEMENT_FORMAT;
  merchant: { id: string; name: string };
  customerId: string;
  issuedAt: string;
  /** Where the merchant publishes the keys that check the signature. */
  jwksUrl: string;
  /** The head of the chain the whole statement runs to: the customer's profile when the first page was read. */
  head: ChainPoint;
  /** The entry this page's first entry follows (GENESIS for the first page); absent: GENESIS. */
  after?: ChainPoint;
  /** Oldest first; each exactly what its hash covers, plus the hash. */
  entries: Record<string, unknown>[];
}

export interface SignedStatement {
  statement: Statement;
  /** Compact JWS; its payload is `StatementSignaturePayload`. */
  signature: string;
}

/** One page as GET /v1/me/statement sends it; `nextCursor` (not signed: it only finds the next page) is null on the last. */
export interface StatementPage extends SignedStatement {
  nextCursor: string | null;
}

export interface StatementSignaturePayload {
  merchantId: string;
  customerId: string;
  issuedAt: string;
  /** Hex SHA-256 of the statement's RFC 8785 canonical JSON. */
  sha256: string;
  /** Where the page starts and ends in the chain, and the head of the statement (absent in older signatures). */
  after?: ChainPoint;
  through?: ChainPoint;
  head?: ChainPoint;
}

export function statementDigest(statement: unknown): string {
  const canonical = canonicalize(statement);
  if (canonical === undefined) throw new Error("statement cannot be canonicalised");
  return createHash("sha256").update(canonical).digest("hex");
}

export const jwksPath = (merchantId: string) => `/v1/merchants/${encodeURIComponent(merchantId)}/jwks.json`;

/** The point an entry leaves the chain at. */
export const pointOf = (entry: Record<string, unknown>): ChainPoint => ({
  seq: Number(entry.seq),
  hash: String(entry.hash),
  balance: Number(entry.balanceAfter),
});

/** The last point a page's entries reach: its last entry's, or where it starts when it holds none. */
export function pageEnd(statement: Pick<Statement, "after" | "entries">): ChainPoint {
  const last = statement.entries.at(-1);
  return last ? pointOf(last) : (statement.after ?? GENESIS);
}

/** Where the next page starts, and the head the statement runs to: both seqs, both checked on every use. */
interface StatementCursor {
  after: number;
  through: number;
}

const isStatementCursor = (value: unknown): value is StatementCursor => {
  const { after, through } = (value ?? {}) as Partial<StatementCursor>;
  return (
    Number.isSafeInteger(after) &&
    Number.isSafeInteger(through) &&
    (after as number) >= 0 &&
    (after as number) < (through as number)
  );
};

/**
 * One page of the customer's signed statement. Without a cursor, the first: it fixes the head at the
 * profile's, and starts after entry `after` (a checkpoint's seq; 0, the genesis, by default). With the
 * cursor of the page before, the next one, up to the same head. Everything signed is read from the table:
 * the cursor only names seqs, and a seq past the customer's head is refused.
 */
export async function statementPage(
  deps: SigningDeps,
  member: CustomerIdentity,
  apiBaseUrl: string,
  position: { cursor?: string; after?: number; limit?: number } = {},
): Promise<StatementPage> {
  const { db } = deps;
  const { merchantId, customerId } = member;
  const cursor = position.cursor === undefined ? undefined : decodeCursor(position.cursor, isStatementCursor);
  const [customer, merchant] = await Promise.all([
    readCustomer(db, merchantId, customerId),
    getMerchant(db, merchantId),
  ]);
  if (!customer || !merchant) throw notFound("Customer");
  const through = cursor?.through ?? customer.seq;
  const after = cursor?.after ?? position.after ?? 0;
  if (through > customer.seq)
    throw ValidationError.field("query.cursor", "is not a cursor returned by this API");
  if (after > through) throw ValidationError.field("query.after", `is past the last entry (${through})`);
  // Entries appended after the head was fixed lie past it, and are left out.
  const [entries, start, head] = await Promise.all([
    readEntryRange(db, merchantId, customerId, {
      after,
      through,
      limit: Math.min(position.limit ?? STATEMENT_PAGE_ENTRIES, STATEMENT_PAGE_ENTRIES),
    }),
    after === 0 ? GENESIS : entryPoint(deps, member, after),
    cursor
      ? entryPoint(deps, member, through)
      : { seq: customer.seq, hash: customer.headHash, balance: customer.balance },
  ]);
  const kept = withinBytes(entries);
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
    head,
    after: start,
    entries: kept.map((entry) => ({ ...hashedContent(entry), hash: entry.hash })),
  } satisfies Statement);
  const end = pageEnd(statement).seq;
  const signed = await signStatement(deps, statement, await currentKey(deps, merchant.id, "statement"));
  return { ...signed, nextCursor: end < through ? encodeCursor({ after: end, through }) : null };
}

async function entryPoint(deps: SigningDeps, member: CustomerIdentity, seq: number): Promise<ChainPoint> {
  const entry = await readEntry(deps.db, member.merchantId, member.customerId, seq);
  if (!entry) throw notFound("Entry");
  return pointOf(entry);
}

/** The first entries whose JSON fits STATEMENT_PAGE_BYTES (at least one, so every page moves on). */
function withinBytes<T>(entries: T[]): T[] {
  let bytes = 0;
  const fit = entries.findIndex((entry, i) => {
    bytes += Buffer.byteLength(JSON.stringify(entry));
    return i > 0 && bytes > STATEMENT_PAGE_BYTES;
  });
  return fit < 0 ? entries : entries.slice(0, fit);
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
    after: statement.after ?? GENESIS,
    through: pageEnd(statement),
    head: statement.head,
  };
  return {
    statement,
    signature: await signCompactJws(deps, statement.merchant.id, key, { typ: STATEMENT_JWS_TYPE }, payload),
  };
}
