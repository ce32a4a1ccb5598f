import { runtimeDeps } from "../shared/runtime.ts";
import { deleteEndpoint } from "../shared/webhooks/endpoints.ts";
import { parse, staffHandler } from "./http/api.ts";
import { WebhookPath } from "./http/params.ts";

/** DELETE /v1/webhooks/{webhookId}: no more deliveries; its delivery log stays until its records' TTL. */
export const handler = staffHandler(async (request, principal) => {
  const { webhookId } = parse(WebhookPath, request.event.pathParameters, "path");
  await deleteEndpoint(runtimeDeps().db, principal, webhookId);
  return { status: 204 };
});
