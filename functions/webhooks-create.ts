import * as z from "zod";
import { createEndpoint } from "../shared/webhooks/endpoints.ts";
import { WebhookDescription, WebhookEventTypes, WebhookUrl } from "../shared/webhooks/fields.ts";
import { endpointDeps } from "../shared/webhooks/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";

export const Body = z.strictObject({
  url: WebhookUrl,
  eventTypes: WebhookEventTypes,
  description: WebhookDescription.optional(),
  enabled: z.boolean().optional(),
});

/** POST /v1/webhooks: registers an endpoint; its signing secret is in this answer only. */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await createEndpoint(endpointDeps(), principal, body, request.header("idempotency-key")),
  );
});
