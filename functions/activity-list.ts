import { z } from "zod";
import { ACTIVITY_TYPES } from "../shared/activity/filters.ts";
import { listActivity } from "../shared/activity/list.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/pagination.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";

const time = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((text) => new Date(text).toISOString());

const Query = z
  .strictObject({
    // "issued,manual" or a repeated parameter (API Gateway joins repeats with commas).
    type: z
      .string()
      .transform((text) => text.split(","))
      .pipe(z.array(z.enum(ACTIVITY_TYPES)).min(1))
      .optional(),
    q: z.string().trim().min(1).max(120).optional(),
    staffId: z.string().min(1).max(64).optional(),
    locationId: z.string().min(1).max(64).optional(),
    from: time.optional(),
    to: time.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    cursor: z.string().max(4096).optional(),
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
