import { listVisibleLocations } from "../shared/merchants/locations.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { NoQuery } from "./http/params.ts";

/** GET /v1/locations: the locations the caller may work at (all of them for location managers). */
export const handler = staffHandler(async (request, principal) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  return { status: 200, body: { locations: await listVisibleLocations(runtimeDeps(), principal) } };
});
