import * as z from "zod";
import { deliveryView, redeliver } from "../shared/webhooks/deliver.ts";
import { deliveryDeps } from "../shared/webhooks/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RecordId } from "./http/params.ts";

export const DeliveryPath = z.object({ webhookId: RecordId, deliveryId: RecordId });

/**
 * POST /v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver: one attempt now, with the same
 * webhook-id (receivers de-duplicate on it); a failure starts a new retry schedule. Sending again is
 * what is asked, so it needs no Idempotency-Key: a retried request sends once more, which receivers
 * must accept anyway (at-least-once).
 */
export const handler = staffHandler(async (request, principal) => {
  const { webhookId, deliveryId } = parse(DeliveryPath, request.event.pathParameters, "path");
  const delivery = await redeliver(deliveryDeps(), principal, webhookId, deliveryId);
  return { status: 200, body: { delivery: deliveryView(delivery) } };
});
