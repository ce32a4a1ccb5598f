import { api, problemText, SignedOut, Unreachable } from "./api.js";

/**
 * The console's calls to the public API (docs/openapi.yaml), nothing else: answers as data, refusals as an
 * `ApiProblem` carrying the problem+json body (RFC 9457), so a screen can name the field at fault.
 */

let config;
let onSignedOut = () => {};

export function configure(signInConfig, signedOut) {
  config = signInConfig;
  onSignedOut = signedOut;
}

export class ApiProblem extends Error {
  constructor(status, body) {
    super(problemText(body) || `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }

  /** The reason given for one field (`errors: [{ field, reason }]`), if any. */
  fieldReason(field) {
    return (this.body.errors ?? []).find((error) => error.field === field)?.reason;
  }
}

export { SignedOut, Unreachable };

async function call(method, path, options) {
  try {
    const answer = await api(config, method, path, options);
    if (answer.status === 401) throw new SignedOut();
    if (answer.status >= 400) throw new ApiProblem(answer.status, answer.body);
    return answer;
  } catch (error) {
    if (error instanceof SignedOut) onSignedOut();
    throw error;
  }
}

/** The query string of a filter object; empty values are left out. */
export function query(params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** GET: the JSON body. */
export const get = async (path, params) => (await call("GET", `${path}${query(params)}`, {})).body;

/**
 * A change: POST, PUT, PATCH or DELETE with an Idempotency-Key. The caller keeps the key for one intended
 * action (see `useAction`), so retrying after a lost answer replays rather than repeats it.
 */
export const send = async (method, path, body, idempotencyKey, { timeoutMs } = {}) =>
  (await call(method, path, { body, idempotencyKey, ...(timeoutMs ? { timeoutMs } : {}) })).body;

/** Raw bytes of a GET (a poster, a statement), for a download link. */
export async function download(path) {
  const { token } = await import("./auth.js");
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${await token(config)}` },
    signal: AbortSignal.timeout(20_000),
  });
  if (!response.ok) throw new ApiProblem(response.status, await response.json().catch(() => ({})));
  return response.blob();
}
