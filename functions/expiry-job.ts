import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { type ExpiryRunResult, runExpiry } from "../shared/expiry/run.ts";
import { logger } from "../shared/logger.ts";
import { runtimeDeps } from "../shared/runtime.ts";

/**
 * EventBridge schedule: expires due points and sends expiry reminders, as of the event's time (which is
 * how `npm run job:expire -- --at <time>` runs it locally for any moment).
 */
export const handler = middy<ScheduledEvent, ExpiryRunResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: ScheduledEvent, context: Context) => {
    const now = event.time ? new Date(event.time) : runtimeDeps().clock();
    const result = await runExpiry(runtimeDeps(), {
      now,
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
    logger.info("expiry run", { ...result, checkpoint: undefined, at: now.toISOString() });
    return result;
  });
