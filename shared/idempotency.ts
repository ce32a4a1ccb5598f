import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { ValidationError } from "./errors.ts";

const KEY = /^[\x21-\x7e]{1,255}$/;

export interface Idempotency {
  key: string;
  /** Hash of the operation and its input: the same key with another request is refused. */
  fingerprint: string;
}

/**
 * The client's Idempotency-Key and the fingerprint of what it asks for. Computed from the request as sent,
 * before anything is read or checked, so a retry is recognised whatever has changed since.
 */
export function idempotencyFrom(header: string | undefined, operation: string, input: unknown): Idempotency {
  if (header === undefined || header === "") {
    throw ValidationError.field("header.Idempotency-Key", "is required on this request");
  }
  if (!KEY.test(header)) {
    throw ValidationError.field("header.Idempotency-Key", "must be 1 to 255 visible ASCII characters");
  }
  const canonical = canonicalize({ operation, input }) ?? "";
  return { key: header, fingerprint: createHash("sha256").update(canonical).digest("hex") };
}
