import { runtimeContactChannels } from "../shared/portal/contact-channels.ts";
import { updateOwnDetails } from "../shared/portal/own-details.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse } from "./http/api.ts";
import { customerHandler, publicBaseUrl } from "./http/customer.ts";
import { CustomerChangesBody } from "./http/customer-fields.ts";

/**
 * PATCH /v1/me: the customer's own name, language and marketing consent change at once; a new email or
 * phone gets a confirmation link sent to it (202, `pending`), the same answer whoever holds the address.
 */
export const handler = customerHandler(async (request, member) => {
  const body = parse(CustomerChangesBody, request.json(), "body");
  const result = await updateOwnDetails(
    { ...runtimeDeps(), channels: runtimeContactChannels() },
    member,
    body,
    publicBaseUrl(request),
  );
  return { status: result.pending ? 202 : 200, body: result };
});
