import { notificationConfig } from "../notifications/config.ts";
import { sesMailer } from "../notifications/mailer.ts";
import { runtimeDeps } from "../runtime.ts";
import { alertNotifier } from "./owner-notice.ts";
import type { AlertStreamDeps } from "./stream.ts";

/** The stream consumer's: the table, the clock, and the owners' e-mail when e-mail is on. */
export function alertStreamDeps(): AlertStreamDeps {
  const base = runtimeDeps();
  const { email } = notificationConfig();
  return { ...base, ...(email ? { notify: alertNotifier(base.db, sesMailer(email)) } : {}) };
}
