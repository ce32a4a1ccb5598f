import type { Clock } from "../clock.ts";
import { unauthorized } from "../errors.ts";
import { runtimeKeyBackend } from "../keys/key-backend.ts";
import type { SigningDeps } from "../keys/signing-keys.ts";
import { bumpPortalVersion, readPortalVersion } from "../store/customers/portal-access.ts";
import type { Db } from "../store/db/client.ts";
import {
  type CustomerIdentity,
  issueMemberToken,
  type MemberTokenUse,
  verifyMemberToken,
} from "./member-token.ts";

/**
 * Customers reach their own data without a password, through a link holding a signed token. The token
 * names the membership (merchant and customer) and the membership's portal version; it is signed with the
 * merchant's portal key and never contains, nor is derived from, the pass's authentication token. Bumping
 * the version (`revokePortalLinks`) makes every earlier link useless at once.
 */

export type { CustomerIdentity };

const PORTAL: MemberTokenUse = {
  audience: "loyalty-wallet:portal",
  typ: "JWT",
  invalid: "This portal link is not valid any more; ask the shop for a new one.",
};

/** A token for the membership's current version; links made from it live until the next revocation. */
export async function issuePortalToken(deps: SigningDeps, member: CustomerIdentity): Promise<string> {
  const version = readPortalVersion(deps.db, member.merchantId, member.customerId);
  return issueMemberToken(
    deps,
    member,
    PORTAL,
    version.then((ver) => ({ ver })),
  );
}

/** Revokes every portal link of the membership; returns the new version. */
export const revokePortalLinks = (db: Db, member: CustomerIdentity, now: Date): Promise<number> =>
  bumpPortalVersion(db, member.merchantId, member.customerId, now);

/** The membership a token speaks for; a 401 for anything forged, altered, revoked or for another audience. */
export async function verifyPortalToken(db: Db, token: string): Promise<CustomerIdentity> {
  const { member, claims } = await verifyMemberToken(db, token, PORTAL);
  if (claims.ver !== (await readPortalVersion(db, member.merchantId, member.customerId))) {
    throw unauthorized(PORTAL.invalid);
  }
  return member;
}

/** The token travels in the fragment: browsers never send it to a server, so it stays out of access logs. */
export const portalUrl = (apiBaseUrl: string, token: string) =>
  `${apiBaseUrl.replace(/\/+$/, "")}/portal#t=${token}`;

/**
 * The member's portal link, e.g. for the pass's `portalUrl` (passes/apple/pass-view.ts). Every link made
 * since the last revocation is equally valid (links carry no expiry), so rendering the pass again never
 * breaks a link the customer saved; after a revocation the pass needs rendering again to show a live one.
 */
export async function portalLink(
  deps: SigningDeps,
  apiBaseUrl: string,
  member: CustomerIdentity,
): Promise<string> {
  return portalUrl(apiBaseUrl, await issuePortalToken(deps, member));
}

/**
 * For the pass renderer: the member's portal link, signed with this container's key backend (KMS on AWS),
 * which makes the merchant's portal key on first use. A busy KMS fails the render (a 503, as any other
 * throttling does) rather than hand out a pass whose link went missing.
 */
export async function memberPortalUrl(
  deps: { db: Db; clock: Clock },
  apiBaseUrl: string,
  member: CustomerIdentity,
): Promise<string> {
  return portalLink({ ...deps, backend: runtimeKeyBackend(deps.db, deps.clock) }, apiBaseUrl, member);
}
