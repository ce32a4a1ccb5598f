import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import type { Clock } from "../clock.ts";
import { unauthorized } from "../errors.ts";
import { runtimeKeyBackend } from "../keys/key-backend.ts";
import { currentKey, publicKeys, type SigningDeps, signCompactJws } from "../keys/signing-keys.ts";
import type { Db } from "../store/db/client.ts";
import type { CustomerIdentity } from "./access.ts";

/**
 * The token in an e-mail's one-click unsubscribe link (RFC 8058): a JWS signed with the merchant's portal
 * key, as portal links are, but for its own audience, so it opens nothing else (a portal token is refused
 * here, and this one by the portal). It carries no portal version: revoking portal links must not break
 * the unsubscribe link of every e-mail already sent, and all it can do is withdraw consent. It lives as
 * long as the key that signed it stays in the merchant's ring.
 */

const ISSUER = "loyalty-wallet";
const AUDIENCE = "loyalty-wallet:unsubscribe";
const TYPE = "unsubscribe+jwt";
const ID = /^[A-Za-z0-9_-]{1,64}$/;

// One answer for every refusal: a caller learns nothing about which merchant or customer a token names.
const INVALID = "This unsubscribe link is not valid.";

/** Where the link points; infra/routes.ts serves GET (a confirmation page) and POST (the withdrawal). */
export const unsubscribePath = (token: string) => `/v1/unsubscribe/${token}`;

export async function issueUnsubscribeToken(deps: SigningDeps, member: CustomerIdentity): Promise<string> {
  const key = await currentKey(deps, member.merchantId, "portal");
  return signCompactJws(
    deps,
    member.merchantId,
    key,
    { typ: TYPE },
    {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: member.customerId,
      mid: member.merchantId,
      iat: Math.floor(deps.clock().getTime() / 1000),
    },
  );
}

/** The membership a token speaks for; a 401 for anything forged, altered, or made for another use. */
export async function verifyUnsubscribeToken(db: Db, token: string): Promise<CustomerIdentity> {
  let claimed: Record<string, unknown>;
  try {
    claimed = decodeJwt(token);
  } catch {
    throw unauthorized(INVALID);
  }
  // The unverified merchant id only chooses which keys to check against: another merchant's keys never fit.
  const merchantId = claimed.mid;
  if (typeof merchantId !== "string" || !ID.test(merchantId)) throw unauthorized(INVALID);
  const keys = await publicKeys(db, merchantId, "portal");
  if (keys.length === 0) throw unauthorized(INVALID);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet({ keys }), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["EdDSA"],
      typ: TYPE,
    }));
  } catch {
    throw unauthorized(INVALID);
  }
  const customerId = payload.sub;
  if (payload.mid !== merchantId || typeof customerId !== "string" || !ID.test(customerId)) {
    throw unauthorized(INVALID);
  }
  return { merchantId, customerId };
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
