import { runtimeDeps } from "../shared/runtime.ts";
import { listEndpointViews } from "../shared/webhooks/endpoints.ts";
import { parse, staffHandler } from "./http/api.ts";
import { NoQuery } from "./http/params.ts";

/** GET /v1/webhooks: the merchant's endpoints, oldest first (a merchant has at most 20). */
export const handler = staffHandler(async (request, principal) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  return { status: 200, body: { webhooks: await listEndpointViews(runtimeDeps(), principal) } };
});
