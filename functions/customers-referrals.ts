import { listCustomerReferrals } from "../shared/referrals/view.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { CustomerPath } from "./http/params.ts";

/** GET /v1/customers/{customerId}/referrals: the member's code, the referrals they made and the one they joined by. */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  return { status: 200, body: await listCustomerReferrals(runtimeDeps(), principal, customerId) };
});
