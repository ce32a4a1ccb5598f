import { resetNotificationConfig } from "../../shared/notifications/config.ts";
import { NOTIFICATIONS_FILTER_PATTERNS } from "../../shared/notifications/stream.ts";
import { type LocalMailSink, startLocalMailSink } from "./mail-sink.ts";
import { pollForFunction, type StreamPoller } from "./stream-poller.ts";

export interface LocalNotificationsOptions {
  dynamoEndpoint: string;
  tableName: string;
  /** Where the mail sink writes its .eml files. */
  mailDir: string;
  pollIntervalMs?: number;
  /** SES_MAX_ATTEMPTS: tests make each delivery attempt one request, so failures count exactly. */
  sesMaxAttempts?: number;
}

export interface LocalNotifications {
  mail: LocalMailSink;
  poller: StreamPoller;
  /** The variables set for the handler, as Lambda's configuration would set them. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const LOCAL_SENDER = "loyalty@localhost";
const HANDLER = "notifications-stream";

/**
 * The notification side of the local stack: a mail sink standing in for SES, and a second stream
 * poller feeding the table's stream to the notifications handler, as the second event source mapping
 * does on AWS. Start it after the wallet, whose Google settings the handler uses for pass messages.
 */
export async function startLocalNotifications(
  options: LocalNotificationsOptions,
): Promise<LocalNotifications> {
  const mail = await startLocalMailSink({ dir: options.mailDir });
  const env: Record<string, string> = {
    SES_ENDPOINT: mail.endpoint,
    SES_FROM_ADDRESS: LOCAL_SENDER,
    ...(options.sesMaxAttempts ? { SES_MAX_ATTEMPTS: String(options.sesMaxAttempts) } : {}),
  };
  Object.assign(process.env, env);
  resetNotificationConfig();

  const poller = await pollForFunction({
    endpoint: options.dynamoEndpoint,
    tableName: options.tableName,
    functionName: HANDLER,
    filterPatterns: NOTIFICATIONS_FILTER_PATTERNS,
    intervalMs: options.pollIntervalMs ?? 100,
  });

  return {
    mail,
    poller,
    env,
    async close() {
      await poller.stop();
      for (const name of Object.keys(env)) delete process.env[name];
      resetNotificationConfig();
      await mail.close();
    },
  };
}
