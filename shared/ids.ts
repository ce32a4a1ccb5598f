import { randomBytes } from "node:crypto";
import { monotonicFactory } from "ulidx";

// Monotonic so that ids minted in the same millisecond still sort in creation order.
const ulid = monotonicFactory();

export function newId(prefix: string, at?: Date): string {
  return `${prefix}_${ulid(at?.getTime())}`;
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
