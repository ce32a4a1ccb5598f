import { AuthError, renew, token } from "./auth.js";

/**
 * Calls to the loyalty API with the staff member's access token. A 401 renews the token once and tries
 * again; no answer within `timeoutMs` (or no network) is an `Unreachable`, which callers treat as "try
 * later", never as a refusal.
 */

export class Unreachable extends Error {}
export class SignedOut extends Error {}

/** `{ status, body, headers }`; throws Unreachable or SignedOut. */
export async function api(config, method, path, { body, idempotencyKey, timeoutMs = 8_000 } = {}) {
  const send = async (bearer) => {
    try {
      const response = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let json;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, body: json, headers: response.headers };
    } catch {
      throw new Unreachable();
    }
  };
  const bearer = await tokenOrThrow(() => token(config));
  const first = await send(bearer);
  if (first.status !== 401) return first;
  return send(await tokenOrThrow(() => renew(config)));
}

async function tokenOrThrow(get) {
  try {
    return await get();
  } catch (error) {
    // Only a refused refresh token ends the session; a pool that is down or throttling is "try later".
    if (error instanceof AuthError && error.type === "NotAuthorizedException") throw new SignedOut();
    throw new Unreachable();
  }
}

/** A problem+json body in one line: its detail, and each field's reason. */
export function problemText(body) {
  if (!body || typeof body !== "object") return "";
  const fields = Array.isArray(body.errors) ? body.errors.map((e) => `${e.field}: ${e.reason}`) : [];
  return [body.detail ?? body.title, ...fields].filter(Boolean).join(" — ");
}
