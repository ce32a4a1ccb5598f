import { staffSession } from "../shared/merchants/session.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { NoQuery } from "./http/params.ts";

/** GET /v1/session: the signed-in staff member, their permissions and their merchant. */
export const handler = staffHandler(async (request, principal) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  return { status: 200, body: await staffSession(runtimeDeps(), principal) };
});
