import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { logger } from "../shared/logger.ts";
import { type RetryRunResult, runRetries } from "../shared/webhooks/deliver.ts";
import { deliveryDeps } from "../shared/webhooks/runtime.ts";

/**
 * EventBridge schedule, every minute: the webhook deliveries due for another attempt, as of the event's
 * time (which is how `npm run job:webhooks -- --at <time>` runs it locally for any moment).
 */
export const handler = middy<ScheduledEvent, RetryRunResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: ScheduledEvent, context: Context) => {
    const deps = deliveryDeps();
    const now = event.time ? new Date(event.time) : deps.clock();
    const result = await runRetries(deps, { now, remainingMs: () => context.getRemainingTimeInMillis() });
    logger.info("webhook retry run", { ...result, at: now.toISOString() });
    return result;
  });
