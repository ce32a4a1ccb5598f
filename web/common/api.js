import { AuthError, renew, token } from "./auth.js";

/**
 * Calls to the loyalty API with the staff member's access token. A 401 renews the token once and tries
 * again; no answer within `timeoutMs` (or no network) is an `Unreachable`, which callers treat as "try
 * later", never as a refusal.
 */

export class Unreachable extends Error {}
export class SignedOut extends Error {}

/**
 * Tells the page whether the API answered: `navigator.onLine` alone is not enough (it says nothing of a
 * captive network, and some Chromium builds report a reloaded page online while the network is off).
 */
const reachability = (reached) =>
  globalThis.dispatchEvent?.(new CustomEvent("api-reachability", { detail: { reached } }));

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
      reachability(true);
      return { status: response.status, body: json, headers: response.headers };
    } catch {
      reachability(false);
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
    reachability(false);
    throw new Unreachable();
  }
}

/** A problem+json body in one line: its detail, and each field's reason. */
export function problemText(body) {
  if (!body || typeof body !== "object") return "";
  const fields = Array.isArray(body.errors) ? body.errors.map((e) => `${e.field}: ${e.reason}`) : [];
  return [body.detail ?? body.title, ...fields].filter(Boolean).join(" — ");
}
