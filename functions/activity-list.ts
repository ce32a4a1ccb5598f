import * as z from "zod";
import { ACTIVITY_TYPES } from "../shared/activity/filters.ts";
import { listActivity } from "../shared/activity/list.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/pagination.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Cursor, InstantOrDate, RecordId, text } from "./http/fields.ts";

export const Query = z
  .strictObject({
    // "issued,manual" or a repeated parameter (API Gateway joins repeats with commas).
    type: text(200)
      .transform((text) => text.split(","))
      .pipe(z.array(z.enum(ACTIVITY_TYPES)).min(1))
      .optional(),
    q: text(120).optional(),
    staffId: RecordId.optional(),
    locationId: RecordId.optional(),
    from: InstantOrDate.optional(),
    to: InstantOrDate.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    cursor: Cursor(4096).optional(),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    message: "must not be after 'to'",
    path: ["from"],
  });

/** GET /v1/activity: the merchant's activity log, newest first, with filters. */
export const handler = staffHandler(async (request, principal) => {
  const { type, ...query } = parse(Query, request.event.queryStringParameters, "query");
  const page = await listActivity(runtimeDeps().db, principal, { ...query, types: type });
  return { status: 200, body: page };
});
