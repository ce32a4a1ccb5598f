import { listProgramSettings } from "../shared/merchants/programs.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { NoQuery } from "./http/params.ts";

/** GET /v1/programs: the merchant's programs, each at its current version. */
export const handler = staffHandler(async (request, principal) => {
  parse(NoQuery, request.event.queryStringParameters, "query");
  return { status: 200, body: { programs: await listProgramSettings(runtimeDeps(), principal) } };
});
