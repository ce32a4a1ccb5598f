import { createHash, randomBytes } from "node:crypto";
import canonicalize from "canonicalize";
import type { LedgerEntry } from "../model.ts";
import { keyAttributes, TABLE } from "../store/db/table-definition.ts";

/** The previous hash of a customer's first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** Attributes that only place an item in the table; they are not part of what an entry says. */
const STORAGE_ATTRIBUTES = new Set([...keyAttributes(), TABLE.ttlAttribute, "hash"]);

/**
 * A manual entry's note is free text staff type, so it may name a person. The hash covers `noteDigest`, a
 * salted SHA-256 of it, and not the note itself: erasing a member (shared/customers/erase.ts) removes the
 * note and its salt, and the chain still verifies. The salt keeps a short note from being guessed back from
 * its digest once the note is gone. Entries written before notes had a digest keep the note under the hash.
 */
const NOTE_ATTRIBUTES = new Set(["note", "noteSalt"]);

/** The attributes a draft carries for a note: the text, its salt and the digest the hash covers. */
export function noteAttributes(note: string): { note: string; noteSalt: string; noteDigest: string } {
  const noteSalt = randomBytes(16).toString("hex");
  return { note, noteSalt, noteDigest: noteDigest(noteSalt, note) };
}

export const noteDigest = (salt: string, note: string) =>
  createHash("sha256").update(`${salt}:${note}`).digest("hex");

/** What the hash covers: everything the entry says, without its storage attributes and its own hash. */
export function hashedContent(entry: Record<string, unknown>): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  const digested = typeof entry.noteDigest === "string";
  for (const [name, value] of Object.entries(entry)) {
    if (digested && NOTE_ATTRIBUTES.has(name)) continue;
    if (!STORAGE_ATTRIBUTES.has(name) && value !== undefined) content[name] = value;
  }
  return content;
}

/** A note still present must be the one its digest stands for; an erased one (no note, no salt) is fine. */
function noteIntact(entry: Record<string, unknown>): boolean {
  if (typeof entry.noteDigest !== "string" || entry.note === undefined) return true;
  return (
    typeof entry.noteSalt === "string" && noteDigest(entry.noteSalt, String(entry.note)) === entry.noteDigest
  );
}

/**
 * SHA-256 over the RFC 8785 (JCS) canonical JSON of everything the entry says except its own hash,
 * so anyone holding the entries can recompute it with an off-the-shelf JCS library.
 */
export function hashEntry(entry: Record<string, unknown>): string {
  const canonical = canonicalize(hashedContent(entry));
  if (canonical === undefined) throw new Error("entry cannot be canonicalised");
  return createHash("sha256").update(canonical).digest("hex");
}

/** An entry as read from the table, storage attributes included (they are ignored by the hash). */
export type StoredEntry = LedgerEntry & Record<string, unknown>;

export interface ChainHead {
  seq: number;
  headHash: string;
  balance: number;
}

export type ChainVerdict =
  | { valid: true; entries: number; head: string }
  | { valid: false; entries: number; firstInvalidEntryId: string | null; reason: string };

/**
 * Checks entries (oldest first) link up, each hash matches its content, balances add up,
 * and the chain ends where the customer's profile says it does (so a deleted tail is caught too).
 * `from`: the entry the first one follows, known good (a statement's checkpoint); the genesis by default.
 */
export function verifyChain(
  entries: readonly StoredEntry[],
  head: ChainHead,
  from: ChainHead = { seq: 0, headHash: GENESIS_HASH, balance: 0 },
): ChainVerdict {
  let prevHash = from.headHash;
  let balance = from.balance;
  const fail = (entry: StoredEntry | undefined, reason: string): ChainVerdict => ({
    valid: false,
    entries: entries.length,
    firstInvalidEntryId: entry?.id ?? null,
    reason,
  });
  for (const [index, entry] of entries.entries()) {
    if (entry.seq !== from.seq + index + 1) return fail(entry, "an entry is missing or out of order");
    if (entry.prevHash !== prevHash) return fail(entry, "the entry does not link to the one before it");
    if (hashEntry(entry) !== entry.hash) return fail(entry, "the entry's content does not match its hash");
    if (!noteIntact(entry)) return fail(entry, "the entry's note does not match its digest");
    if (!Number.isSafeInteger(entry.points) || balance + entry.points !== entry.balanceAfter) {
      return fail(entry, "the balance after the entry does not add up");
    }
    prevHash = entry.hash;
    balance = entry.balanceAfter;
  }
  if (from.seq + entries.length !== head.seq || prevHash !== head.headHash) {
    return fail(entries.at(-1), "the chain does not end at the customer's recorded head");
  }
  if (balance !== head.balance) return fail(entries.at(-1), "the balance does not match the ledger");
  return { valid: true, entries: entries.length, head: prevHash };
}
