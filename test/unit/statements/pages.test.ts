import type { JSONWebKeySet } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { GENESIS_HASH, hashEntry } from "../../../shared/ledger/hash-chain.ts";
import {
  type ChainPoint,
  GENESIS,
  pointOf,
  type SignedStatement,
  STATEMENT_FORMAT,
  type Statement,
  signStatement,
} from "../../../shared/statements/statement.ts";
import { checkpointOf, readCheckpoint, verifyStatement } from "../../../shared/statements/verify.ts";
import { memorySigner } from "../../support/memory-keys.ts";

/** `count` entries of one customer, chained as the ledger chains them (every third a debit). */
function chain(count: number): Statement["entries"] {
  let prevHash = GENESIS_HASH;
  let balance = 0;
  return Array.from({ length: count }, (_, i) => {
    const points = i % 3 === 2 ? -5 : 10;
    balance += points;
    const entry = {
      type: points > 0 ? "visit" : "redemption",
      points,
      inputs: {},
      explanation: `entry ${i + 1}`,
      id: `txn_${i + 1}`,
      merchantId: "m",
      customerId: "cus_1",
      seq: i + 1,
      balanceAfter: balance,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      prevHash,
    };
    const hashed = { ...entry, hash: hashEntry(entry) };
    prevHash = hashed.hash;
    return hashed;
  });
}

const ENTRIES = chain(10);
const headOf = (entries: Statement["entries"]): ChainPoint =>
  entries.length ? pointOf(entries.at(-1) as Record<string, unknown>) : GENESIS;

let signer: Awaited<ReturnType<typeof memorySigner>>;
let jwks: JSONWebKeySet;
const sign = (statement: Statement) => signStatement(signer.deps, statement, signer.key);

/** The statement of `entries` after entry `from`, in pages of `size`, as GET /v1/me/statement sends them. */
async function pages(entries: Statement["entries"], size: number, from = 0): Promise<SignedStatement[]> {
  const head = headOf(entries);
  const out: SignedStatement[] = [];
  for (let start = from; start < entries.length || out.length === 0; start += size) {
    out.push(
      await sign({
        format: STATEMENT_FORMAT,
        merchant: { id: "m", name: "Shop" },
        customerId: "cus_1",
        issuedAt: "2026-03-01T12:00:00.000Z",
        jwksUrl: "https://api.example/v1/merchants/m/jwks.json",
        head,
        after: start === 0 ? GENESIS : pointOf(entries[start - 1] as Record<string, unknown>),
        entries: entries.slice(start, start + size),
      }),
    );
  }
  return out;
}

beforeAll(async () => {
  signer = await memorySigner();
  jwks = signer.jwks;
});

describe("a statement in pages", () => {
  it("verifies whole, its pages in any order, as it verifies in one page", async () => {
    const paged = await pages(ENTRIES, 3);
    expect(paged).toHaveLength(4);
    const verdict = await verifyStatement({ pages: paged }, jwks);
    expect(verdict).toEqual({
      valid: true,
      signature: { valid: true, kid: signer.key.kid },
      chain: { valid: true, entries: 10, head: headOf(ENTRIES).hash },
    });
    expect((await verifyStatement([...paged].reverse(), jwks)).valid).toBe(true);
    expect((await verifyStatement(await pages(ENTRIES, 100), jwks)).valid).toBe(true);
  });

  it("signs each page's two ends and the head, so each signature is a checkpoint", async () => {
    const [, second] = await pages(ENTRIES, 3);
    const read = await readCheckpoint(second, jwks);
    expect(read).toEqual({
      valid: true,
      checkpoint: {
        merchantId: "m",
        customerId: "cus_1",
        point: pointOf(ENTRIES[5] as Record<string, unknown>),
      },
    });
  });

  it("fails when a page is missing, from the middle, the start or the end", async () => {
    const paged = await pages(ENTRIES, 3);
    const middle = await verifyStatement([paged[0], paged[2], paged[3]], jwks);
    expect(middle.chain).toMatchObject({
      valid: false,
      reason: "a page is missing: no page holds entries 4 to 6",
    });
    expect(middle.valid).toBe(false);
    const start = await verifyStatement(paged.slice(1), jwks);
    expect(start.chain).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/starts after entry 3/),
    });
    const end = await verifyStatement(paged.slice(0, 3), jwks);
    expect(end.chain).toMatchObject({
      valid: false,
      reason: "the chain does not end at the customer's recorded head",
    });
    expect(end.valid).toBe(false);
  });

  it("fails when an entry of any page is edited, signed again or not", async () => {
    for (const pageIndex of [0, 1, 3]) {
      const paged = structuredClone(await pages(ENTRIES, 3));
      const page = paged[pageIndex] as SignedStatement;
      (page.statement.entries[0] as { explanation: string }).explanation = "edited";
      const unsigned = await verifyStatement(paged, jwks);
      expect(unsigned.signature).toEqual({
        valid: false,
        reason: `page ${pageIndex + 1}: the statement is not the one that was signed`,
      });
      expect(unsigned.chain).toMatchObject({
        valid: false,
        reason: "the entry's content does not match its hash",
      });
      paged[pageIndex] = await sign(page.statement);
      const resigned = await verifyStatement(paged, jwks);
      expect(resigned.signature.valid).toBe(true);
      expect(resigned.chain).toMatchObject({ valid: false, firstInvalidEntryId: `txn_${pageIndex * 3 + 1}` });
      expect(resigned.valid).toBe(false);
    }
  });

  it("fails when a page's signature is altered, swapped with another page's, or made for another statement", async () => {
    const paged = await pages(ENTRIES, 3);
    const [header, payload, signature = ""] = (paged[1] as SignedStatement).signature.split(".");
    const flipped = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    const altered = paged.map((p, i) =>
      i === 1 ? { ...p, signature: [header, payload, flipped].join(".") } : p,
    );
    expect((await verifyStatement(altered, jwks)).signature).toEqual({
      valid: false,
      reason: "page 2: the signature does not match the key",
    });
    const swapped = paged.map((p, i) =>
      i === 1 ? { ...p, signature: (paged[2] as SignedStatement).signature } : p,
    );
    expect((await verifyStatement(swapped, jwks)).signature).toMatchObject({ valid: false });
    // A page of the same customer's statement at another head: every page must run to one head.
    const [older] = await pages(ENTRIES.slice(0, 8), 3);
    const mixed = await verifyStatement([older, ...paged.slice(1)], jwks);
    expect(mixed.chain).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/not all of one statement/),
    });
    expect(mixed.valid).toBe(false);
  });

  it("fails when pages overlap, or a page starts somewhere else than the page before ends", async () => {
    const paged = await pages(ENTRIES, 3);
    const shifted = await pages(ENTRIES, 2);
    // Entries 1–3, then 5–6 (after 4): the chain across pages has a gap the signatures cannot cover.
    const verdict = await verifyStatement([paged[0], shifted[2], ...paged.slice(2)], jwks);
    expect(verdict.valid).toBe(false);
    expect(verdict.signature.valid).toBe(true);
  });
});

describe("checkpoints", () => {
  it("let a statement fetched after the checkpoint's entry verify with only the entries since", async () => {
    const earlier = await pages(ENTRIES.slice(0, 6), 4);
    const checkpoint = checkpointOf(earlier);
    expect(checkpoint).toMatchObject({ seq: 6, hash: headOf(ENTRIES.slice(0, 6)).hash, balance: 30 });
    const since = await pages(ENTRIES, 3, 6);
    expect(since.flatMap((p) => p.statement.entries)).toHaveLength(4);
    const verdict = await verifyStatement(since, jwks, { checkpoint });
    expect(verdict).toEqual({
      valid: true,
      signature: { valid: true, kid: signer.key.kid },
      chain: { valid: true, entries: 4, head: headOf(ENTRIES).hash },
      checkpoint: { valid: true, seq: 6 },
    });
    // Without the checkpoint, the same pages prove nothing about entries 1 to 6.
    expect((await verifyStatement(since, jwks)).valid).toBe(false);
  });

  it("also hold against a whole statement, which must pass through the checkpoint unchanged", async () => {
    const checkpoint = checkpointOf(await pages(ENTRIES.slice(0, 6), 10));
    expect((await verifyStatement(await pages(ENTRIES, 4), jwks, { checkpoint })).valid).toBe(true);
    // A rewritten history (entry 6 changed, everything after re-chained and re-signed) breaks the checkpoint.
    const rewritten = chain(10).map((e) => ({ ...e }));
    const history = rewritten.slice(0, 5);
    let prevHash = (history.at(-1) as { hash: string }).hash;
    let balance = (history.at(-1) as { balanceAfter: number }).balanceAfter;
    for (const original of ENTRIES.slice(5)) {
      const { hash: _hash, ...content } = original as Record<string, unknown> & { points: number };
      const points = original.seq === 6 ? 1 : (original.points as number);
      balance += points;
      const entry = { ...content, points, balanceAfter: balance, prevHash };
      const hashed = { ...entry, hash: hashEntry(entry) };
      prevHash = hashed.hash;
      history.push(hashed);
    }
    const verdict = await verifyStatement(await pages(history, 4), jwks, { checkpoint });
    expect(verdict.chain.valid).toBe(true);
    expect(verdict.checkpoint).toEqual({
      valid: false,
      reason: "entry 6 is not the one the checkpoint vouches for: the history changed",
    });
    expect(verdict.valid).toBe(false);
  });

  it("fail when the checkpoint is forged, another customer's, or earlier than where the statement starts", async () => {
    const since = await pages(ENTRIES, 3, 6);
    const checkpoint = checkpointOf(await pages(ENTRIES.slice(0, 6), 10)) as { signature: string };
    const [header, payload, signature = ""] = checkpoint.signature.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload as string, "base64url").toString()),
        through: { seq: 6, hash: "f".repeat(64), balance: 40 },
      }),
    ).toString("base64url");
    const forged = await verifyStatement(since, jwks, {
      checkpoint: { signature: [header, forgedPayload, signature].join(".") },
    });
    expect(forged.checkpoint).toEqual({
      valid: false,
      reason: "the checkpoint's signature does not match the key",
    });
    expect(forged.valid).toBe(false);

    const other = await sign({
      ...(await pages(ENTRIES.slice(0, 6), 10))[0]?.statement,
      customerId: "cus_2",
    } as Statement);
    expect((await verifyStatement(since, jwks, { checkpoint: other })).checkpoint).toEqual({
      valid: false,
      reason: "the checkpoint is another merchant's or customer's",
    });
    const earlier = checkpointOf(await pages(ENTRIES.slice(0, 4), 10));
    const gap = await verifyStatement(since, jwks, { checkpoint: earlier });
    expect(gap.valid).toBe(false);
    expect(gap.chain).toMatchObject({ valid: false, reason: expect.stringMatching(/starts after entry 6/) });
  });
});
