import { rotateKey } from "../shared/keys/signing-keys.ts";
import { staffHandler } from "./http/api.ts";
import { signingDeps } from "./http/customer.ts";

/**
 * POST /v1/statement-keys/rotate: a new statement signing key. Statements signed with the key it replaces
 * still verify (it stays published as the previous key); those signed with the one before no longer do.
 */
export const handler = staffHandler(async (_request, principal) => {
  return { status: 200, body: { keys: await rotateKey(signingDeps(), principal.merchantId, "statement") } };
});
