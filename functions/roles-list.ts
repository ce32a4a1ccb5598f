import { listRoles } from "../shared/merchants/roles.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { NoQuery } from "./http/params.ts";

/** GET /v1/roles: what each role may do at this merchant. */
export const handler = staffHandler(async (request, principal) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  return { status: 200, body: { roles: await listRoles(runtimeDeps(), principal) } };
});
