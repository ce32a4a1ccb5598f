import { addProgram } from "../shared/merchants/programs.ts";
import { ProgramSettingsSchema } from "../shared/programs/rule-schema.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";

/** POST /v1/programs: a new program at version 1. */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(ProgramSettingsSchema, request.json(), "body");
  return idempotentResponse(
    201,
    await addProgram(runtimeDeps(), principal, body, request.header("idempotency-key")),
  );
});
