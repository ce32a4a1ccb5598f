import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashEntry, type StoredEntry, verifyChain } from "../../../shared/ledger/hash-chain.ts";

function chain(pointsList: number[]): StoredEntry[] {
  const entries: StoredEntry[] = [];
  let prevHash = GENESIS_HASH;
  let balance = 0;
  pointsList.forEach((points, i) => {
    balance += points;
    const draft = {
      id: `txn_${i + 1}`,
      merchantId: "m",
      customerId: "c",
      seq: i + 1,
      type: "purchase" as const,
      points,
      balanceAfter: balance,
      inputs: { amount: `${points}.00`, currency: "EUR" },
      explanation: `${points}`,
      createdAt: `2026-01-0${i + 1}T00:00:00.000Z`,
      prevHash,
    };
    const entry = { ...draft, hash: hashEntry(draft), pk: "PK", sk: `ENTRY#${i + 1}` };
    entries.push(entry);
    prevHash = entry.hash;
  });
  return entries;
}

const headOf = (entries: StoredEntry[]) => ({
  seq: entries.length,
  headHash: entries.at(-1)?.hash ?? GENESIS_HASH,
  balance: entries.at(-1)?.balanceAfter ?? 0,
});

describe("hash chain", () => {
  it("accepts an intact chain, and an empty one", () => {
    const entries = chain([5, 10, 3]);
    expect(verifyChain(entries, headOf(entries))).toEqual({
      valid: true,
      entries: 3,
      head: entries[2]?.hash,
    });
    expect(verifyChain([], headOf([]))).toEqual({ valid: true, entries: 0, head: GENESIS_HASH });
  });

  it("ignores storage attributes but not content", () => {
    const entries = chain([5]);
    const entry = entries[0] as StoredEntry;
    expect(hashEntry({ ...entry, gsi1pk: "x", ttl: 1 })).toBe(entry.hash);
    expect(hashEntry({ ...entry, note: "added" })).not.toBe(entry.hash);
  });

  it("names the first altered entry", () => {
    const entries = chain([5, 10, 3]);
    const head = headOf(entries);
    (entries[1] as StoredEntry).explanation = "changed";
    expect(verifyChain(entries, head)).toMatchObject({ valid: false, firstInvalidEntryId: "txn_2" });
  });

  it("catches altered points even with a recomputed hash, through the next link and the balances", () => {
    const entries = chain([5, 10, 3]);
    const head = headOf(entries);
    const second = entries[1] as StoredEntry;
    second.points = 100;
    second.hash = hashEntry(second);
    expect(verifyChain(entries, head)).toMatchObject({ valid: false, firstInvalidEntryId: "txn_2" });
  });

  it("catches removed, reordered and truncated entries", () => {
    const entries = chain([5, 10, 3]);
    const head = headOf(entries);
    expect(verifyChain([entries[0], entries[2]] as StoredEntry[], head)).toMatchObject({
      valid: false,
      firstInvalidEntryId: "txn_3",
    });
    expect(verifyChain([entries[1], entries[0], entries[2]] as StoredEntry[], head)).toMatchObject({
      valid: false,
      firstInvalidEntryId: "txn_2",
    });
    expect(verifyChain(entries.slice(0, 2), head)).toMatchObject({
      valid: false,
      firstInvalidEntryId: "txn_2",
    });
  });

  it("catches a balance that disagrees with the ledger", () => {
    const entries = chain([5, 10]);
    expect(verifyChain(entries, { ...headOf(entries), balance: 999 })).toMatchObject({ valid: false });
  });
});
