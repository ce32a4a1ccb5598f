import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { alertStreamDeps } from "../shared/alerts/runtime.ts";
import { type AlertStreamDeps, evaluateRecord } from "../shared/alerts/stream.ts";
import { logger } from "../shared/logger.ts";
import { referralStep } from "../shared/referrals/stream.ts";
import { type DeliveryDeps, fanOut, lazyEvent } from "../shared/webhooks/deliver.ts";
import { pendingEventsOfRecord } from "../shared/webhooks/events.ts";
import { deliveryDeps } from "../shared/webhooks/runtime.ts";

/** Attempts stop this long before the function's timeout; what is left is the retry job's, after its lease. */
const MARGIN_MS = 15_000;

/**
 * The table's stream (new entries, profiles and redemptions; refunds and claim decisions) → one delivery
 * per subscribed endpoint, attempted at once; and each new entry → the merchant's fraud rules
 * (shared/alerts/stream.ts). Both steps run on every record whatever the other does; a record fails (and
 * Lambda delivers it again) when either could not write the table, and both are idempotent on a replay
 * (deliveries and alerts are conditional puts, counters conditional appends), so one step's failure
 * neither loses nor doubles the other's work. A receiver's failure is the retry job's to handle.
 */
export function createWebhooksHandler(deps: () => DeliveryDeps, alerts: () => AlertStreamDeps) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const resolved = deps();
    const alertDeps = alerts();
    const more = () => context.getRemainingTimeInMillis() > MARGIN_MS;
    return processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const pending = pendingEventsOfRecord(record);
        const [webhooks, evaluated, referred] = await Promise.allSettled([
          pending.length > 0
            ? fanOut(
                resolved,
                pending.map((p) => lazyEvent(resolved.db, p)),
                more,
              )
            : undefined,
          evaluateRecord(alertDeps, record),
          // The referrer's reward and a return's cancellation (shared/referrals/stream.ts): keyed writes.
          referralStep(alertDeps, record),
        ]);
        if (evaluated.status === "rejected") {
          logger.error("fraud alert step failed", { error: (evaluated.reason as Error)?.name });
          throw evaluated.reason;
        }
        if (referred.status === "rejected") {
          logger.error("referral step failed", { error: (referred.reason as Error)?.name });
          throw referred.reason;
        }
        if (webhooks.status === "rejected") throw webhooks.reason;
      },
      processor,
      { context, throwOnFullBatchFailure: false },
    );
  };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(createWebhooksHandler(deliveryDeps, alertStreamDeps));
