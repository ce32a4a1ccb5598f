import * as z from "zod";
import { updateEndpoint } from "../shared/webhooks/endpoints.ts";
import { WebhookDescription, WebhookEventTypes, WebhookUrl } from "../shared/webhooks/fields.ts";
import { endpointDeps } from "../shared/webhooks/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { WebhookPath } from "./http/params.ts";
import { NOT_EMPTY_MESSAGE, notEmpty } from "./http/settings-fields.ts";

export const Body = z
  .strictObject({
    url: WebhookUrl.optional(),
    eventTypes: WebhookEventTypes.optional(),
    description: WebhookDescription.optional(),
    enabled: z.boolean().optional(),
  })
  .refine(notEmpty, { message: NOT_EMPTY_MESSAGE, path: [] });

/** PATCH /v1/webhooks/{webhookId}: URL, events, description, or switching it on or off. */
export const handler = staffHandler(async (request, principal) => {
  const { webhookId } = parse(WebhookPath, request.event.pathParameters, "path");
  const changes = parse(Body, request.json(), "body");
  return {
    status: 200,
    body: { webhook: await updateEndpoint(endpointDeps(), principal, webhookId, changes) },
  };
});
