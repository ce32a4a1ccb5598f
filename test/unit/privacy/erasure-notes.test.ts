import { describe, expect, it } from "vitest";
import {
  GENESIS_HASH,
  hashEntry,
  noteAttributes,
  type StoredEntry,
  verifyChain,
} from "../../../shared/ledger/hash-chain.ts";

/** A manual entry with a note, hashed as the write pipeline hashes it. */
function manualEntry(note: string): StoredEntry {
  const draft = {
    id: "txn_1",
    merchantId: "m",
    customerId: "c",
    seq: 1,
    type: "manual" as const,
    points: 50,
    balanceAfter: 50,
    inputs: {},
    reason: "goodwill",
    ...noteAttributes(note),
    explanation: "50 points by hand",
    createdAt: "2026-01-01T00:00:00.000Z",
    prevHash: GENESIS_HASH,
  };
  return { ...draft, hash: hashEntry(draft), pk: "PK", sk: "ENTRY#1" };
}

const head = (entry: StoredEntry) => ({ seq: 1, headHash: entry.hash, balance: 50 });

describe("a manual entry's note, outside the hash", () => {
  it("verifies with its note, and still verifies once note and salt are erased", () => {
    const entry = manualEntry("For Jeanne, who lost her card");
    expect(verifyChain([entry], head(entry)).valid).toBe(true);
    const { note: _note, noteSalt: _salt, ...erased } = entry;
    expect(verifyChain([erased as StoredEntry], head(entry)).valid).toBe(true);
  });

  it("catches a note changed while kept, and a changed digest", () => {
    const entry = manualEntry("For Jeanne, who lost her card");
    expect(verifyChain([{ ...entry, note: "For someone else" }], head(entry))).toMatchObject({
      valid: false,
      reason: "the entry's note does not match its digest",
    });
    const { note: _note, noteSalt: _salt, ...erased } = entry;
    expect(
      verifyChain([{ ...erased, noteDigest: "0".repeat(64) } as StoredEntry], head(entry)),
    ).toMatchObject({
      valid: false,
      reason: "the entry's content does not match its hash",
    });
  });

  it("salts each digest, so the same note gives different digests", () => {
    expect(noteAttributes("ok").noteDigest).not.toBe(noteAttributes("ok").noteDigest);
  });

  it("keeps an entry without a digest hashed over its note, as entries written before digests were", () => {
    const draft = { ...manualEntry("x"), hash: undefined } as Record<string, unknown>;
    delete draft.noteSalt;
    delete draft.noteDigest;
    const legacy = { ...draft, hash: hashEntry(draft) } as StoredEntry;
    expect(verifyChain([legacy], head(legacy)).valid).toBe(true);
    expect(verifyChain([{ ...legacy, note: "changed" }], head(legacy)).valid).toBe(false);
  });
});
