import { notificationConfig } from "../notifications/config.ts";
import { sesMailer } from "../notifications/mailer.ts";
import { runtimeDeps } from "../runtime.ts";
import { systemResolver, type TargetPolicy } from "./address-guard.ts";
import type { DeliveryDeps } from "./deliver.ts";
import type { EndpointDeps } from "./endpoints.ts";
import { createHttpSender } from "./http-sender.ts";
import { disabledNotifier } from "./owner-notice.ts";

/**
 * What may be called. `WEBHOOKS_ALLOW_LOOPBACK=true` is set by the local stack only (infra/local/
 * webhooks.ts), whose receivers listen on this machine: it lets plain http reach loopback, and loopback
 * only. The stack never sets it, so on AWS every URL is https to a public address.
 */
export const webhookPolicy = (env: NodeJS.ProcessEnv = process.env): TargetPolicy => ({
  allowLoopback: env.WEBHOOKS_ALLOW_LOOPBACK === "true",
});

/** The registration's: the table, and the checks a URL is held to. */
export function endpointDeps(): EndpointDeps {
  return { ...runtimeDeps(), policy: webhookPolicy(), resolve: systemResolver };
}

/** The delivering functions' (stream, retry job, redelivery): the real sender, and the owners' e-mail. */
export function deliveryDeps(): DeliveryDeps {
  const base = runtimeDeps();
  const { email } = notificationConfig();
  return {
    ...base,
    send: createHttpSender({ policy: webhookPolicy(), resolve: systemResolver }),
    random: Math.random,
    ...(email ? { notifyDisabled: disabledNotifier(base.db, sesMailer(email)) } : {}),
  };
}
