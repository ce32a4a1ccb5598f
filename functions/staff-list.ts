import { listStaffMembers } from "../shared/merchants/staff.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { NoQuery } from "./http/params.ts";

/** GET /v1/staff: every staff member of the merchant, active or not. */
export const handler = staffHandler(async (request, principal) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  return { status: 200, body: { staff: await listStaffMembers(runtimeDeps(), principal) } };
});
