import { createHash } from "node:crypto";
import {
  AlreadySignedIn,
  EmailInUse,
  type SignInAccount,
  type SignInDirectory,
} from "../auth/sign-in-directory.ts";
import { conflict } from "../errors.ts";
import type { Db } from "../store/db/client.ts";
import { readStaff } from "../store/merchants/staff.ts";

/**
 * The id a new record gets from what names its request (the merchant, the Idempotency-Key and the
 * request's fingerprint), so a retry after a failure half-way — the sign-in made, the record not written —
 * makes the same record the sign-in already points at. Another body under the same key gets another id,
 * so a sign-in made for the first body never points at the second's record.
 */
export function idFromRequest(prefix: string, ...parts: string[]): string {
  const digest = createHash("sha256")
    .update([prefix, ...parts].join("\u0000"))
    .digest("hex");
  return `${prefix}_${digest.slice(0, 26).toUpperCase()}`;
}

export const EMAIL_IN_USE_MESSAGE =
  "This e-mail address already signs in to loyalty-wallet; use another address for this person.";

/**
 * Gives the staff member a sign-in, before their record is written. A user of the pool with this address
 * is taken over only when it is this merchant's and no record holds its staff id — the leftover of an
 * earlier try whose record was never written —, and then the record takes that id, since a user's ids
 * never change. Anything else with the address is a 409: one address, one sign-in.
 */
export async function provideSignIn(
  deps: { db: Db; directory: SignInDirectory },
  account: SignInAccount,
): Promise<{ username: string; staffId: string }> {
  try {
    const { username } = await deps.directory.invite(account);
    return { username, staffId: account.staffId };
  } catch (error) {
    if (!(error instanceof EmailInUse)) throw error;
    const existing = await deps.directory.find(account.email);
    if (!existing || existing.merchantId !== account.merchantId || !existing.staffId) {
      throw conflict(EMAIL_IN_USE_MESSAGE);
    }
    if (
      existing.staffId !== account.staffId &&
      (await readStaff(deps.db, account.merchantId, existing.staffId, true))
    ) {
      throw conflict(EMAIL_IN_USE_MESSAGE);
    }
    await deps.directory.setRole(existing.username, undefined, account.role);
    return { username: existing.username, staffId: existing.staffId };
  }
}

/** The directory's refusals as the client sees them. */
export function signInConflict(error: unknown): Error {
  if (error instanceof EmailInUse) return conflict(EMAIL_IN_USE_MESSAGE);
  if (error instanceof AlreadySignedIn) {
    return conflict(
      "This person has already chosen a password; they can reset it from the sign-in screen if they lost it.",
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
