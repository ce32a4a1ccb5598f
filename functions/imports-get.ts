import { importView, requireImport } from "../shared/imports/import.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { ImportPath } from "./http/import-fields.ts";
import { NoQuery } from "./http/params.ts";

/** GET /v1/imports/{importId}: status, counts and cursor. */
export const handler = staffHandler(async (request, principal) => {
  const { importId } = parse(ImportPath, request.event.pathParameters, "path");
  parse(NoQuery, request.event.queryStringParameters, "query");
  return {
    status: 200,
    body: { import: importView(await requireImport(runtimeDeps().db, principal, importId)) },
  };
});
