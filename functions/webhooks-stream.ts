import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { logger } from "../shared/logger.ts";
import { type DeliveryDeps, fanOut, lazyEvent } from "../shared/webhooks/deliver.ts";
import { pendingEventOfRecord } from "../shared/webhooks/events.ts";
import { deliveryDeps } from "../shared/webhooks/runtime.ts";

/** Attempts stop this long before the function's timeout; what is left is the retry job's, after its lease. */
const MARGIN_MS = 15_000;

/**
 * The table's stream (new entries, profiles and redemptions; refunds and claim decisions) → one delivery
 * per subscribed endpoint, attempted at once. A record fails (and Lambda delivers it again) only when
 * the table could not be written; a receiver's failure is the retry job's to handle.
 */
export function createWebhooksHandler(deps: () => DeliveryDeps) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const resolved = deps();
    const more = () => context.getRemainingTimeInMillis() > MARGIN_MS;
    return processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const pending = pendingEventOfRecord(record);
        if (pending) await fanOut(resolved, [lazyEvent(resolved.db, pending)], more);
      },
      processor,
      { context, throwOnFullBatchFailure: false },
    );
  };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(createWebhooksHandler(deliveryDeps));
