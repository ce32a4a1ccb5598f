import * as z from "zod";
import { listEntries } from "../shared/ledger/read.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/pagination.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { entryView } from "../shared/views.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Cursor } from "./http/fields.ts";
import { CustomerPath } from "./http/params.ts";

export const Query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: Cursor(512).optional(),
});

/** GET /v1/customers/{customerId}/ledger: entries newest first, each with how its points were computed. */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const query = parse(Query, request.event.queryStringParameters, "query");
  const page = await listEntries(runtimeDeps().db, principal.merchantId, customerId, query);
  return { status: 200, body: { entries: page.entries.map(entryView), nextCursor: page.nextCursor } };
});
