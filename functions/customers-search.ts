import * as z from "zod";
import { searchCustomers } from "../shared/customers/search.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { customerView } from "../shared/views.ts";
import { parse, staffHandler } from "./http/api.ts";
import { text } from "./http/fields.ts";

export const Query = z.strictObject({
  q: text(120),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** GET /v1/customers?q=: by phone (any formatting), email (any case) or name prefix (accents ignored). */
export const handler = staffHandler(async (request, principal) => {
  const { q, limit } = parse(Query, request.event.queryStringParameters, "query");
  const customers = await searchCustomers(runtimeDeps().db, principal.merchantId, q, limit);
  return { status: 200, body: { customers: customers.map(customerView) } };
});
