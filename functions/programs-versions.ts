import * as z from "zod";
import { programVersionHistory } from "../shared/merchants/programs.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/pagination.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Cursor } from "./http/fields.ts";
import { ProgramPath } from "./http/params.ts";

export const Query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: Cursor(512).optional(),
});

/** GET /v1/programs/{programId}/versions: every saved version, newest first. */
export const handler = staffHandler(async (request, principal) => {
  const { programId } = parse(ProgramPath, request.event.pathParameters, "path");
  const query = parse(Query, request.event.queryStringParameters, "query");
  return { status: 200, body: await programVersionHistory(runtimeDeps(), principal, programId, query) };
});
