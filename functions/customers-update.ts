import { updateCustomer } from "../shared/customers/update.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { CustomerChangesBody } from "./http/customer-fields.ts";
import { CustomerPath } from "./http/params.ts";

/** PATCH /v1/customers/{customerId}: personal details; each change is recorded in the audit trail. */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const body = parse(CustomerChangesBody, request.json(), "body");
  const result = await updateCustomer(
    runtimeDeps(),
    principal.merchantId,
    customerId,
    principal.staffId,
    body,
  );
  return { status: 200, body: result };
});
