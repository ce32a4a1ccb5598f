import { replaceProgram } from "../shared/merchants/programs.ts";
import { ProgramSettingsSchema } from "../shared/programs/rule-schema.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { ProgramPath } from "./http/params.ts";

/** PUT /v1/programs/{programId}: saves new settings as the next version; the same settings again save nothing. */
export const handler = staffHandler(async (request, principal) => {
  const { programId } = parse(ProgramPath, request.event.pathParameters, "path");
  const body = parse(ProgramSettingsSchema, request.json(), "body");
  return { status: 200, body: { program: await replaceProgram(runtimeDeps(), principal, programId, body) } };
});
