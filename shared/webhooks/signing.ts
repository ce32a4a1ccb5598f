import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/**
 * Standard Webhooks' symmetric scheme, through its reference package: HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, base64, sent as `v1,<signature>`; secrets are
 * `whsec_` + base64 of random bytes (at least 24: we use 32).
 */

const SECRET_BYTES = 32;

export const newWebhookSecret = () => `whsec_${randomBytes(SECRET_BYTES).toString("base64")}`;

/** The `webhook-*` headers of one attempt: one signature per secret still signing (rotation overlap). */
export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  at: Date,
  body: string,
): Record<string, string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(" "),
  };
}
