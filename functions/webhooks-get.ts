import { runtimeDeps } from "../shared/runtime.ts";
import { endpointView, requireEndpoint } from "../shared/webhooks/endpoints.ts";
import { parse, staffHandler } from "./http/api.ts";
import { WebhookPath } from "./http/params.ts";

/** GET /v1/webhooks/{webhookId}: one endpoint, without its secret. */
export const handler = staffHandler(async (request, principal) => {
  const { webhookId } = parse(WebhookPath, request.event.pathParameters, "path");
  const { db, clock } = runtimeDeps();
  return {
    status: 200,
    body: { webhook: endpointView(await requireEndpoint(db, principal, webhookId), clock()) },
  };
});
