import { listCustomerClaims } from "../shared/claims/list.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse } from "./http/api.ts";
import { customerHandler } from "./http/customer.ts";
import { NoQuery } from "./http/params.ts";

/** GET /v1/me/claims: the customer's own claims and where each stands, newest first. */
export const handler = customerHandler(async (request, member) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  return {
    status: 200,
    body: { claims: await listCustomerClaims(runtimeDeps().db, member.merchantId, member.customerId) },
  };
});
