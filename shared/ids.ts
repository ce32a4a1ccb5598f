import { randomBytes } from "node:crypto";
import { decodeTime, monotonicFactory, ulid as plainUlid } from "ulidx";

// Monotonic so that ids minted in the same millisecond still sort in creation order.
const ulid = monotonicFactory();

/**
 * An id whose time part is `at` when given, even after a later time was minted (a clock set back): a
 * ledger entry is found by id through its `<createdAt>#<id>` index key (shared/store/ledger/entries.ts).
 */
export function newId(prefix: string, at?: Date): string {
  const minted = ulid(at?.getTime());
  if (at === undefined || decodeTime(minted) === at.getTime()) return `${prefix}_${minted}`;
  return `${prefix}_${plainUlid(at.getTime())}`;
}

const BASE32 = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

/** Unguessable, case-insensitive code without look-alike characters (no I, L, O, U, 0, 1). */
export function randomCode(length: number): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 30).
  const limit = 256 - (256 % BASE32.length);
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += BASE32[byte % BASE32.length];
    }
  }
  return out;
}

/** URL-safe random token, e.g. for pass authentication (Apple wants at least 16 characters). */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}
