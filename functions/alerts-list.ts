import * as z from "zod";
import { ALERT_RULES } from "../shared/alerts/rules.ts";
import { alertView } from "../shared/alerts/view.ts";
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, MAX_PAGE_SIZE } from "../shared/pagination.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { isAlertSortKey, listAlerts } from "../shared/store/alerts.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Cursor } from "./http/fields.ts";

export const Query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: Cursor(600).optional(),
  rule: z.enum(ALERT_RULES).optional(),
});

const isAlertCursor = (value: unknown): value is { after: string } => {
  const after = (value as { after?: unknown } | null)?.after;
  return typeof after === "string" && isAlertSortKey(after);
};

/** GET /v1/alerts: the merchant's fraud alerts, newest window first, optionally of one rule. */
export const handler = staffHandler(async (request, principal) => {
  const query = parse(Query, request.event.queryStringParameters, "query");
  const { db } = runtimeDeps();
  const after = query.cursor ? decodeCursor(query.cursor, isAlertCursor).after : undefined;
  const page = await listAlerts(db, principal.merchantId, query.limit, {
    ...(after ? { after } : {}),
    ...(query.rule ? { rule: query.rule } : {}),
  });
  return {
    status: 200,
    body: {
      alerts: page.alerts.map(alertView),
      nextCursor: page.after ? encodeCursor({ after: page.after }) : null,
    },
  };
});
