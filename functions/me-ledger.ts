import * as z from "zod";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../shared/pagination.ts";
import { memberLedger } from "../shared/portal/member.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse } from "./http/api.ts";
import { customerHandler } from "./http/customer.ts";
import { Cursor } from "./http/fields.ts";

export const Query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: Cursor(512).optional(),
});

/** GET /v1/me/ledger: the customer's entries, newest first, each explained (also in their language). */
export const handler = customerHandler(async (request, member) => {
  const query = parse(Query, request.event.queryStringParameters, "query");
  return { status: 200, body: await memberLedger(runtimeDeps().db, member, query) };
});
