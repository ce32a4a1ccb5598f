import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, ScheduledEvent } from "aws-lambda";
import { type ExportJobResult, runExportJob } from "../shared/exports/job.ts";
import { fileStoreFromEnv } from "../shared/files/file-store.ts";
import { logger } from "../shared/logger.ts";
import { runtimeDeps } from "../shared/runtime.ts";

/**
 * EventBridge schedule, every minute: produces the exports the API handed over (past the request's budget),
 * each in one go; a new one is started only with 10 min of the function's 15 left, and a file still being
 * written 30 s before the timeout is aborted and left to the next run rather than cut mid-file.
 */
export const handler = middy<ScheduledEvent, ExportJobResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (_event: ScheduledEvent, context: Context) => {
    const { db, clock } = runtimeDeps();
    const result = await runExportJob(
      { db, clock, files: await fileStoreFromEnv() },
      {
        remainingMs: () => context.getRemainingTimeInMillis(),
        startMs: 10 * 60_000,
        reserveMs: 30_000,
      },
    );
    logger.info("export job", { ...result });
    return result;
  });
