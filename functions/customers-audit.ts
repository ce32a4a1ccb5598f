import * as z from "zod";
import { listAudit } from "../shared/customers/update.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { CustomerPath } from "./http/params.ts";

export const Query = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(50) });

/** GET /v1/customers/{customerId}/audit: who changed the customer's details, which fields, when. */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const { limit } = parse(Query, request.event.queryStringParameters, "query");
  return {
    status: 200,
    body: { changes: await listAudit(runtimeDeps().db, principal.merchantId, customerId, limit) },
  };
});
