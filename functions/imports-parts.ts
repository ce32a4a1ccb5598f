import { addPart, importView } from "../shared/imports/import.ts";
import { advanceInline } from "../shared/imports/inline.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { ImportPath, PartBody } from "./http/import-fields.ts";

/**
 * POST /v1/imports/{importId}/parts: the file's next part. After the last one the dry run starts here, for
 * a few seconds, and the import job goes on with it.
 */
export const handler = staffHandler(async (request, principal) => {
  const { importId } = parse(ImportPath, request.event.pathParameters, "path");
  const body = parse(PartBody, request.json(), "body");
  const deps = runtimeDeps();
  const write = await addPart(deps, principal, importId, body, request.header("idempotency-key"));
  const advanced = await advanceInline(deps, principal, importId, write.result.import.status);
  return idempotentResponse(200, advanced ? { ...write, result: { import: importView(advanced) } } : write);
});
