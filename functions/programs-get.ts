import { readProgramSettings } from "../shared/merchants/programs.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { ProgramPath } from "./http/params.ts";

/** GET /v1/programs/{programId}: the program at its current version. */
export const handler = staffHandler(async (request, principal) => {
  const { programId } = parse(ProgramPath, request.event.pathParameters, "path");
  return { status: 200, body: { program: await readProgramSettings(runtimeDeps(), principal, programId) } };
});
