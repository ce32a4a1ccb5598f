import { runtimeDeps } from "../shared/runtime.ts";
import { rotateSecret } from "../shared/webhooks/endpoints.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { WebhookPath } from "./http/params.ts";

/** POST /v1/webhooks/{webhookId}/rotate-secret: a new secret, shown once; the old one signs for 24 h more. */
export const handler = staffHandler(async (request, principal) => {
  const { webhookId } = parse(WebhookPath, request.event.pathParameters, "path");
  return idempotentResponse(
    200,
    await rotateSecret(runtimeDeps(), principal, webhookId, request.header("idempotency-key")),
  );
});
