import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { unauthorized } from "../errors.ts";
import { currentKey, publicKeys, type SigningDeps, signCompactJws } from "../keys/signing-keys.ts";
import type { Db } from "../store/db/client.ts";

/**
 * A JWS that speaks for one membership, signed with the merchant's portal key: portal links and one-click
 * unsubscribe links are both made this way, each for its own audience and type, so neither opens the other.
 */

export interface CustomerIdentity {
  merchantId: string;
  customerId: string;
}

export interface MemberTokenUse {
  audience: string;
  typ: string;
  /** The one answer to every refusal: a caller learns nothing about whom a token names. */
  invalid: string;
}

const ISSUER = "loyalty-wallet";
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function issueMemberToken(
  deps: SigningDeps,
  member: CustomerIdentity,
  use: MemberTokenUse,
  /** Further claims; a promise is awaited alongside the key, so neither read waits for the other. */
  extra: Record<string, unknown> | Promise<Record<string, unknown>> = {},
): Promise<string> {
  const [key, claims] = await Promise.all([currentKey(deps, member.merchantId, "portal"), extra]);
  return signCompactJws(
    deps,
    member.merchantId,
    key,
    { typ: use.typ },
    {
      ...claims,
      iss: ISSUER,
      aud: use.audience,
      sub: member.customerId,
      mid: member.merchantId,
      iat: Math.floor(deps.clock().getTime() / 1000),
    },
  );
}

/** The membership a token speaks for, and its claims; a 401 for anything forged, altered or made for another use. */
export async function verifyMemberToken(
  db: Db,
  token: string,
  use: MemberTokenUse,
): Promise<{ member: CustomerIdentity; claims: Record<string, unknown> }> {
  let claimed: Record<string, unknown>;
  try {
    claimed = decodeJwt(token);
  } catch {
    throw unauthorized(use.invalid);
  }
  // The unverified merchant id only chooses which keys to check against: another merchant's keys never fit.
  const merchantId = claimed.mid;
  if (typeof merchantId !== "string" || !ID.test(merchantId)) throw unauthorized(use.invalid);
  const keys = await publicKeys(db, merchantId, "portal");
  if (keys.length === 0) throw unauthorized(use.invalid);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet({ keys }), {
      issuer: ISSUER,
      audience: use.audience,
      algorithms: ["EdDSA"],
      typ: use.typ,
    }));
  } catch {
    throw unauthorized(use.invalid);
  }
  const customerId = payload.sub;
  if (payload.mid !== merchantId || typeof customerId !== "string" || !ID.test(customerId)) {
    throw unauthorized(use.invalid);
  }
  return { member: { merchantId, customerId }, claims: payload };
}
