import { createImport } from "../shared/imports/import.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { NewImportBody } from "./http/import-fields.ts";

/** POST /v1/imports: an import of members and balances, waiting for its CSV file in parts. */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(NewImportBody, request.json(), "body");
  return idempotentResponse(
    201,
    await createImport(runtimeDeps(), principal, body, request.header("idempotency-key")),
  );
});
