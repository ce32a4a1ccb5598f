import * as z from "zod";
import { refuseErased } from "../shared/customers/erased.ts";
import { notFound } from "../shared/errors.ts";
import { portalLink, revokePortalLinks } from "../shared/portal/access.ts";
import { readCustomer } from "../shared/store/customers/profile.ts";
import { parse, staffHandler } from "./http/api.ts";
import { publicBaseUrl, signingDeps } from "./http/customer.ts";
import { CustomerPath } from "./http/params.ts";

export const Body = z.strictObject({ revoke: z.boolean().default(false) }).default({ revoke: false });

/**
 * POST /v1/customers/{customerId}/portal-link: a link to the customer's portal, e.g. to send them. With
 * `revoke: true`, every earlier link stops working first (a lost phone, a link sent to the wrong person).
 */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const { revoke } = parse(Body, request.json(), "body");
  const deps = signingDeps();
  const member = { merchantId: principal.merchantId, customerId };
  const customer = await readCustomer(deps.db, member.merchantId, customerId);
  if (!customer) throw notFound("Customer");
  // The erasure revoked every link; a new one would open an empty portal under the member's old card.
  refuseErased(customer);
  if (revoke) await revokePortalLinks(deps.db, member, deps.clock());
  return { status: 201, body: { portalUrl: await portalLink(deps, publicBaseUrl(request), member) } };
});
