import * as z from "zod";
import { notFound } from "../shared/errors.ts";
import { publicKeys } from "../shared/keys/signing-keys.ts";
import { getMerchant } from "../shared/merchants/directory.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { apiHandler, parse } from "./http/api.ts";
import { RecordId } from "./http/params.ts";

export const Path = z.object({ merchantId: RecordId });

/**
 * GET /v1/merchants/{merchantId}/jwks.json: the public keys that check the merchant's signed statements,
 * the current one first, then the previous one (kept for a rotation's overlap). Public by design.
 */
export const handler = apiHandler(async (request) => {
  const { merchantId } = parse(Path, request.event.pathParameters, "path");
  const { db } = runtimeDeps();
  if (!(await getMerchant(db, merchantId))) throw notFound("Merchant");
  return {
    status: 200,
    body: { keys: await publicKeys(db, merchantId, "statement") },
    // Short enough that a rotation reaches verifiers within minutes.
    headers: { "cache-control": "public, max-age=300" },
  };
});
