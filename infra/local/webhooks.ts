import { WEBHOOKS_FILTER_PATTERNS } from "../../shared/webhooks/events.ts";
import { pollForFunction, type StreamPoller } from "./stream-poller.ts";

export interface LocalWebhooksOptions {
  dynamoEndpoint: string;
  tableName: string;
  pollIntervalMs?: number;
}

/**
 * The webhooks side of the local stack: a third stream poller feeding the table's stream to the webhooks
 * handler, as the third event source mapping does on AWS. The retry job runs on demand
 * (`npm run job:webhooks -- --at <time>`), as the every-minute schedule would. Owners' e-mail goes through
 * the local SES sink when the notifications side is started too (it sets the sender's variables).
 */
export async function startLocalWebhooks(
  options: LocalWebhooksOptions,
): Promise<{ poller: StreamPoller; close(): Promise<void> }> {
  const poller = await pollForFunction({
    endpoint: options.dynamoEndpoint,
    tableName: options.tableName,
    functionName: "webhooks-stream",
    filterPatterns: WEBHOOKS_FILTER_PATTERNS,
    intervalMs: options.pollIntervalMs ?? 100,
    batchSize: 10,
  });
  return { poller, close: () => poller.stop() };
}
