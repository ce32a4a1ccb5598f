import { updateCustomer } from "../shared/customers/update.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse } from "./http/api.ts";
import { customerHandler } from "./http/customer.ts";
import { CustomerChangesBody } from "./http/customer-fields.ts";

/** Who the audit trail names for a change the customer made themselves. */
const SELF_SERVICE = "customer";

/** PATCH /v1/me: the customer's own name, contact details, language and marketing consent. */
export const handler = customerHandler(async (request, member) => {
  const body = parse(CustomerChangesBody, request.json(), "body");
  const result = await updateCustomer(
    runtimeDeps(),
    member.merchantId,
    member.customerId,
    SELF_SERVICE,
    body,
  );
  return { status: 200, body: result };
});
