import { importView, startRun } from "../shared/imports/import.ts";
import { advanceInline } from "../shared/imports/inline.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { ImportPath, RunBody } from "./http/import-fields.ts";

/** POST /v1/imports/{importId}/run: the real run of a dry-run import, started here and gone on with by the job. */
export const handler = staffHandler(async (request, principal) => {
  const { importId } = parse(ImportPath, request.event.pathParameters, "path");
  parse(RunBody, request.json(), "body");
  const deps = runtimeDeps();
  const write = await startRun(deps, principal, importId, request.header("idempotency-key"));
  const advanced = await advanceInline(deps, principal, importId, write.result.import.status);
  return idempotentResponse(202, advanced ? { ...write, result: { import: importView(advanced) } } : write);
});
