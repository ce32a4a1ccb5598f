import * as z from "zod";
import { CLAIM_STATUSES } from "../shared/claims/claim.ts";
import { listMerchantClaims } from "../shared/claims/list.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/pagination.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Cursor } from "./http/fields.ts";

export const Query = z.strictObject({
  status: z.enum(CLAIM_STATUSES).default("pending"),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: Cursor(512).optional(),
});

/** GET /v1/claims?status=: the review queue (pending, oldest first) or decided claims (newest first). */
export const handler = staffHandler(async (request, principal) => {
  const query = parse(Query, request.event.queryStringParameters, "query");
  const page = await listMerchantClaims(runtimeDeps().db, principal.merchantId, {
    ...query,
    locationIds: principal.locationIds,
  });
  return { status: 200, body: page };
});
