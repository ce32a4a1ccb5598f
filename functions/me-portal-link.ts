import { portalLink, revokePortalLinks } from "../shared/portal/access.ts";
import { customerHandler, publicBaseUrl, signingDeps } from "./http/customer.ts";

/**
 * POST /v1/me/portal-link: the customer revokes every portal link of theirs (e.g. one they shared by
 * mistake) and gets a new one; the token this request came with stops working too.
 */
export const handler = customerHandler(async (request, member) => {
  const deps = signingDeps();
  await revokePortalLinks(deps.db, member, deps.clock());
  return { status: 201, body: { portalUrl: await portalLink(deps, publicBaseUrl(request), member) } };
});
