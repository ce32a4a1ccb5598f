import { walletLinks } from "../passes/download-links.ts";
import { memberOverview } from "../shared/portal/member.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse } from "./http/api.ts";
import { customerHandler } from "./http/customer.ts";
import { NoQuery } from "./http/params.ts";

/**
 * GET /v1/me: the customer's profile and balance, upcoming expiries, how each location earns points, and
 * signed links to add the card to Apple or Google Wallet.
 */
export const handler = customerHandler(async (request, member) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  const { db, clock } = runtimeDeps();
  return { status: 200, body: await memberOverview(db, member, clock(), walletLinks) };
});
