import { compactVerify, createLocalJWKSet, errors, type JSONWebKeySet } from "jose";
import { type ChainVerdict, type StoredEntry, verifyChain } from "../ledger/hash-chain.ts";
import {
  type ChainPoint,
  GENESIS,
  pageEnd,
  pointOf,
  type SignedStatement,
  STATEMENT_FORMAT,
  STATEMENT_JWS_TYPE,
  type Statement,
  type StatementSignaturePayload,
  statementDigest,
} from "./statement.ts";

/**
 * Checks a signed statement offline, page by page, in two independent parts: the signatures (the merchant's
 * key signed each very page, all of one statement) and the hash chain across the pages (every entry is
 * intact, none is missing, none moved, no page is missing, and the chain ends at the head). Either part alone
 * catches an edited, removed or reordered entry. From a checkpoint (a page signature kept from an earlier
 * statement, which names a signed place in the chain) only the entries since are needed and checked.
 */

export type SignatureVerdict = { valid: true; kid: string } | { valid: false; reason: string };

export interface StatementVerdict {
  valid: boolean;
  signature: SignatureVerdict;
  chain: ChainVerdict;
  /** Only when verifying from a checkpoint: whether the statement continues from it. */
  checkpoint?: { valid: true; seq: number } | { valid: false; reason: string };
}

/** A signed place in a customer's chain, from a page signature: what `--from-checkpoint` reads. */
export interface Checkpoint {
  merchantId: string;
  customerId: string;
  point: ChainPoint;
}

function isStatement(value: unknown): value is Statement {
  const s = value as Statement | undefined;
  return (
    typeof s === "object" &&
    s !== null &&
    s.format === STATEMENT_FORMAT &&
    Array.isArray(s.entries) &&
    isPoint(s.head) &&
    (s.after === undefined || isPoint(s.after)) &&
    typeof s.merchant?.id === "string" &&
    typeof s.customerId === "string"
  );
}

function isPoint(value: unknown): value is ChainPoint {
  const p = value as Partial<ChainPoint> | null | undefined;
  return (
    typeof p === "object" &&
    p !== null &&
    Number.isSafeInteger(p.seq) &&
    typeof p.hash === "string" &&
    Number.isSafeInteger(p.balance)
  );
}

const samePoint = (a: ChainPoint, b: ChainPoint) =>
  a.seq === b.seq && a.hash === b.hash && a.balance === b.balance;

type Verified =
  | { valid: true; kid: string; payload: Partial<StatementSignaturePayload> }
  | { valid: false; reason: string };

/** The merchant's key made `signature` for a statement; its payload, read. */
async function checkJws(signature: string, jwks: JSONWebKeySet): Promise<Verified> {
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
  try {
    const payload = JSON.parse(new TextDecoder().decode(verified.payload));
    if (typeof payload !== "object" || payload === null) throw new Error("not an object");
    return { valid: true, kid: String(verified.protectedHeader.kid), payload };
  } catch {
    return { valid: false, reason: "the signed payload is not JSON" };
  }
}

async function checkSignature(
  statement: Statement,
  signature: string,
  jwks: JSONWebKeySet,
): Promise<SignatureVerdict> {
  const verified = await checkJws(signature, jwks);
  if (!verified.valid) return verified;
  const { payload } = verified;
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
  // Signatures made before pages name no ends; those that do must name this page's, being checkpoints too.
  const ends = [
    [payload.after, statement.after ?? GENESIS],
    [payload.through, pageEnd(statement)],
    [payload.head, statement.head],
  ] as const;
  if (
    payload.through !== undefined &&
    ends.some(([signed, actual]) => !isPoint(signed) || !samePoint(signed, actual))
  ) {
    return { valid: false, reason: "the signature names other ends of the chain than the page's" };
  }
  return { valid: true, kid: verified.kid };
}

/** A page signature as a checkpoint: the place in the chain it vouches for, once its signature holds. */
export async function readCheckpoint(
  source: unknown,
  jwks: JSONWebKeySet,
): Promise<{ valid: true; checkpoint: Checkpoint } | { valid: false; reason: string }> {
  const signature = (source as { signature?: unknown } | null)?.signature ?? source;
  if (typeof signature !== "string") return { valid: false, reason: "the checkpoint holds no signature" };
  const verified = await checkJws(signature, jwks);
  if (!verified.valid)
    return { valid: false, reason: `the checkpoint's ${verified.reason.replace(/^the /, "")}` };
  const { merchantId, customerId, through } = verified.payload;
  if (typeof merchantId !== "string" || typeof customerId !== "string" || !isPoint(through)) {
    return {
      valid: false,
      reason: "the checkpoint's signature names no place in the chain (it predates checkpoints)",
    };
  }
  return { valid: true, checkpoint: { merchantId, customerId, point: through } };
}

/** The checkpoint file `--save-checkpoint` writes: the last page's signature, and what it vouches for. */
export function checkpointOf(document: unknown): Record<string, unknown> | undefined {
  const pages = pagesOf(document);
  const last = pages?.at(-1);
  if (!last) return undefined;
  const end = pageEnd(last.statement);
  return {
    format: CHECKPOINT_FORMAT,
    merchantId: last.statement.merchant.id,
    customerId: last.statement.customerId,
    ...end,
    signature: last.signature,
  };
}

export const CHECKPOINT_FORMAT = "loyalty-wallet/checkpoint/1";

/** The pages a document holds, in chain order: one page, `{pages: […]}` or an array of pages; or none. */
function pagesOf(document: unknown): SignedStatement[] | undefined {
  const list = Array.isArray(document)
    ? document
    : Array.isArray((document as { pages?: unknown } | null)?.pages)
      ? (document as { pages: unknown[] }).pages
      : [document];
  const pages = list as { statement?: unknown; signature?: unknown }[];
  if (
    pages.length === 0 ||
    !pages.every((p) => isStatement(p?.statement) && typeof p.signature === "string")
  ) {
    return undefined;
  }
  return (pages as SignedStatement[])
    .slice()
    .sort((a, b) => (a.statement.after?.seq ?? 0) - (b.statement.after?.seq ?? 0));
}

const invalid = (reason: string): ChainVerdict => ({
  valid: false,
  entries: 0,
  firstInvalidEntryId: null,
  reason,
});

/**
 * Checks a statement: one page, or all its pages (`{pages: […]}`, or an array, in any order). With a
 * checkpoint (what `readCheckpoint` accepts), the statement may start there instead of at the first entry.
 */
export async function verifyStatement(
  document: unknown,
  jwks: JSONWebKeySet,
  options: { checkpoint?: unknown } = {},
): Promise<StatementVerdict> {
  const pages = pagesOf(document);
  if (!pages) {
    const reason = "this is not a signed loyalty-wallet statement";
    return { valid: false, signature: { valid: false, reason }, chain: invalid(reason) };
  }
  const numbered = (i: number, reason: string) => (pages.length > 1 ? `page ${i + 1}: ${reason}` : reason);
  const signatures = await Promise.all(pages.map((p) => checkSignature(p.statement, p.signature, jwks)));
  const badSignature = signatures.findIndex((s) => !s.valid);
  const signature: SignatureVerdict =
    badSignature < 0
      ? (signatures[0] as SignatureVerdict)
      : {
          valid: false,
          reason: numbered(badSignature, (signatures[badSignature] as { reason: string }).reason),
        };

  const checkpoint =
    options.checkpoint === undefined ? undefined : await readCheckpoint(options.checkpoint, jwks);
  const chain = checkPages(pages, checkpoint?.valid ? checkpoint.checkpoint : undefined);
  const checkpointVerdict: StatementVerdict["checkpoint"] =
    checkpoint === undefined
      ? undefined
      : !checkpoint.valid
        ? checkpoint
        : continuesFrom(pages, checkpoint.checkpoint);
  return {
    valid: signature.valid && chain.valid && (checkpointVerdict?.valid ?? true),
    signature,
    chain,
    ...(checkpointVerdict ? { checkpoint: checkpointVerdict } : {}),
  };
}

/** Pages of one statement, each starting where the one before ends, chained from their start to the head. */
function checkPages(pages: SignedStatement[], checkpoint: Checkpoint | undefined): ChainVerdict {
  const [first] = pages as [SignedStatement];
  const { head } = first.statement;
  const other = pages.find(
    ({ statement: s }) =>
      s.merchant.id !== first.statement.merchant.id ||
      s.customerId !== first.statement.customerId ||
      !samePoint(s.head, head),
  );
  if (other) return invalid("the pages are not all of one statement (another customer, or another head)");
  for (let i = 1; i < pages.length; i++) {
    const previous = pageEnd((pages[i - 1] as SignedStatement).statement);
    const after = (pages[i] as SignedStatement).statement.after ?? GENESIS;
    if (after.seq > previous.seq)
      return invalid(`a page is missing: no page holds entries ${previous.seq + 1} to ${after.seq}`);
    if (!samePoint(after, previous)) return invalid(`page ${i + 1} does not start where page ${i} ends`);
  }
  const start = first.statement.after ?? GENESIS;
  if (start.seq > 0 && (checkpoint === undefined || checkpoint.point.seq < start.seq)) {
    return invalid(
      `the statement starts after entry ${start.seq}: verify it from a checkpoint at that entry or a later one, or download it whole`,
    );
  }
  const entries = pages.flatMap((p) => p.statement.entries) as StoredEntry[];
  try {
    return verifyChain(
      entries,
      { seq: head.seq, headHash: head.hash, balance: head.balance },
      { seq: start.seq, headHash: start.hash, balance: start.balance },
    );
  } catch {
    return { ...invalid("an entry cannot be read"), entries: entries.length };
  }
}

/** The statement's chain passes through the checkpoint: at its start, or at one of its entries. */
function continuesFrom(
  pages: SignedStatement[],
  checkpoint: Checkpoint,
): NonNullable<StatementVerdict["checkpoint"]> {
  const { statement } = pages[0] as SignedStatement;
  if (checkpoint.merchantId !== statement.merchant.id || checkpoint.customerId !== statement.customerId) {
    return { valid: false, reason: "the checkpoint is another merchant's or customer's" };
  }
  const { point } = checkpoint;
  const start = statement.after ?? GENESIS;
  const at =
    point.seq === start.seq
      ? start
      : pages
          .flatMap((p) => p.statement.entries)
          .map(pointOf)
          .find((p) => p.seq === point.seq);
  if (!at)
    return { valid: false, reason: `the statement does not reach the checkpoint's entry ${point.seq}` };
  if (!samePoint(at, point)) {
    return {
      valid: false,
      reason: `entry ${point.seq} is not the one the checkpoint vouches for: the history changed`,
    };
  }
  return { valid: true, seq: point.seq };
}
