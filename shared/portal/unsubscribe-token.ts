import type { Clock } from "../clock.ts";
import { runtimeKeyBackend } from "../keys/key-backend.ts";
import type { SigningDeps } from "../keys/signing-keys.ts";
import type { Db } from "../store/db/client.ts";
import {
  type CustomerIdentity,
  issueMemberToken,
  type MemberTokenUse,
  verifyMemberToken,
} from "./member-token.ts";

/**
 * The token in an e-mail's one-click unsubscribe link (RFC 8058): a JWS signed with the merchant's portal
 * key, as portal links are, but for its own audience, so it opens nothing else (a portal token is refused
 * here, and this one by the portal). It carries no portal version: revoking portal links must not break
 * the unsubscribe link of every e-mail already sent, and all it can do is withdraw consent. It lives as
 * long as the key that signed it stays in the merchant's ring.
 */

const UNSUBSCRIBE: MemberTokenUse = {
  audience: "loyalty-wallet:unsubscribe",
  typ: "unsubscribe+jwt",
  // One answer for every refusal: a caller learns nothing about which merchant or customer a token names.
  invalid: "This unsubscribe link is not valid.",
};

/** Where the link points; infra/routes.ts serves GET (a confirmation page) and POST (the withdrawal). */
export const unsubscribePath = (token: string) => `/v1/unsubscribe/${token}`;

export const issueUnsubscribeToken = (deps: SigningDeps, member: CustomerIdentity): Promise<string> =>
  issueMemberToken(deps, member, UNSUBSCRIBE);

/** The membership a token speaks for; a 401 for anything forged, altered, or made for another use. */
export async function verifyUnsubscribeToken(db: Db, token: string): Promise<CustomerIdentity> {
  return (await verifyMemberToken(db, token, UNSUBSCRIBE)).member;
}

/**
 * For the notifications handler: the member's unsubscribe URL, signed with this container's key backend
 * (KMS on AWS, which makes the merchant's portal key on first use).
 */
export async function memberUnsubscribeUrl(
  deps: { db: Db; clock: Clock },
  apiBaseUrl: string,
  member: CustomerIdentity,
): Promise<string> {
  const token = await issueUnsubscribeToken(
    { ...deps, backend: runtimeKeyBackend(deps.db, deps.clock) },
    member,
  );
  return `${apiBaseUrl.replace(/\/+$/, "")}${unsubscribePath(token)}`;
}
