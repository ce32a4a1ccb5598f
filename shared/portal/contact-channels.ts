import { notificationConfig } from "../notifications/config.ts";
import { sesMailer } from "../notifications/mailer.ts";
import { runtimeSmsSender } from "../notifications/sms-sender.ts";
import type { ContactChannels } from "./contact-change.ts";

/** This container's ways to reach a new address: SES when a sender is configured, SMS when a sender is. */
export function runtimeContactChannels(): ContactChannels {
  const email = notificationConfig().email;
  const sms = runtimeSmsSender();
  return { ...(email ? { mailer: sesMailer(email) } : {}), ...(sms ? { sms } : {}) };
}
