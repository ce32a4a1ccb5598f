import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { type ImportJobResult, runImportJob } from "../shared/imports/job.ts";
import { logger } from "../shared/logger.ts";
import { runtimeDeps } from "../shared/runtime.ts";

/**
 * EventBridge schedule, every minute: goes on with the dry and real runs of imports that have lines left,
 * until 30 s before the function's timeout; the next run continues from each import's saved cursor.
 */
export const handler = middy<ScheduledEvent, ImportJobResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (_event: ScheduledEvent, context: Context) => {
    const result = await runImportJob(runtimeDeps(), {
      remainingMs: () => context.getRemainingTimeInMillis(),
      reserveMs: 30_000,
    });
    logger.info("import job", { ...result });
    return result;
  });
