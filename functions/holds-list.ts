import * as z from "zod";
import { holdView } from "../shared/alerts/holds.ts";
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, MAX_PAGE_SIZE } from "../shared/pagination.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { isHoldSortKey, listPendingHolds } from "../shared/store/alerts.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Cursor } from "./http/fields.ts";

export const Query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: Cursor(400).optional(),
});

const isHoldCursor = (value: unknown): value is { after: string } => {
  const after = (value as { after?: unknown } | null)?.after;
  return typeof after === "string" && isHoldSortKey(after);
};

/** GET /v1/holds: the merchant's pending holds of manual points, newest first, for a second person to decide. */
export const handler = staffHandler(async (request, principal) => {
  const query = parse(Query, request.event.queryStringParameters, "query");
  const after = query.cursor ? decodeCursor(query.cursor, isHoldCursor).after : undefined;
  const page = await listPendingHolds(runtimeDeps().db, principal.merchantId, query.limit, {
    ...(after ? { after } : {}),
  });
  return {
    status: 200,
    body: {
      holds: page.holds.map(holdView),
      nextCursor: page.after ? encodeCursor({ after: page.after }) : null,
    },
  };
});
