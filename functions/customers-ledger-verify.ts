import { verifyLedger } from "../shared/ledger/read.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { CustomerPath } from "./http/params.ts";

/** GET /v1/customers/{customerId}/ledger/verify: recomputes the customer's hash chain. */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  return { status: 200, body: await verifyLedger(runtimeDeps().db, principal.merchantId, customerId) };
});
