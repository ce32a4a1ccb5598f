import * as z from "zod";
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, MAX_PAGE_SIZE } from "../shared/pagination.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { listDeliveries } from "../shared/store/webhooks.ts";
import { deliveryView } from "../shared/webhooks/deliver.ts";
import { requireEndpoint } from "../shared/webhooks/endpoints.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Cursor } from "./http/fields.ts";
import { WebhookPath } from "./http/params.ts";

export const Query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: Cursor(200).optional(),
});

const isDeliveryCursor = (value: unknown): value is { before: string } => {
  const before = (value as { before?: unknown } | null)?.before;
  return typeof before === "string" && /^msg_[0-9A-Z]{26}$/.test(before);
};

/** GET /v1/webhooks/{webhookId}/deliveries: the delivery log, newest event first. */
export const handler = staffHandler(async (request, principal) => {
  const { webhookId } = parse(WebhookPath, request.event.pathParameters, "path");
  const query = parse(Query, request.event.queryStringParameters, "query");
  const { db } = runtimeDeps();
  await requireEndpoint(db, principal, webhookId);
  const before = query.cursor ? decodeCursor(query.cursor, isDeliveryCursor).before : undefined;
  const page = await listDeliveries(db, principal.merchantId, webhookId, query.limit, before);
  return {
    status: 200,
    body: {
      deliveries: page.deliveries.map(deliveryView),
      nextCursor: page.before ? encodeCursor({ before: page.before }) : null,
    },
  };
});
