import type { CronOptions } from "aws-cdk-lib/aws-events";
import type { Context, ScheduledEvent } from "aws-lambda";
import { logger } from "../../shared/logger.ts";
import {
  BACKGROUND_FUNCTIONS,
  type BackgroundFunctionDefinition,
  type ScheduleTrigger,
} from "../stack/background-functions.ts";
import { lambdaContext } from "./api-gateway-event.ts";
import { scheduledEvent } from "./scheduled-event.ts";

export type ScheduledHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

const loadHandler = async (name: string) =>
  ((await import(`../../functions/${name}.ts`)) as { handler: ScheduledHandler }).handler;

export interface LocalSchedules {
  close(): Promise<void>;
}

/**
 * `npm start`'s EventBridge: each scheduled function the stack declares (infra/stack/background-functions.ts)
 * runs in this process at the UTC minutes its cron names — the same handler module as on AWS, fed a scheduled
 * event and a context with the function's own timeout — so an import or an export the API handed over goes on
 * without a command. One run at a time per function: a run still going at its next minute skips that minute,
 * as a Lambda run that overlapped would only have waited for the same items.
 */
export function startLocalSchedules(
  options: {
    definitions?: readonly BackgroundFunctionDefinition[];
    clock?: () => Date;
    load?: (handler: string) => Promise<ScheduledHandler>;
  } = {},
): LocalSchedules {
  const { definitions = BACKGROUND_FUNCTIONS, clock = () => new Date(), load = loadHandler } = options;
  const scheduled = definitions.flatMap((d) =>
    d.trigger.kind === "schedule"
      ? [{ name: d.handler, trigger: d.trigger, timeoutMs: d.timeout.toMilliseconds(), memoryMb: d.memoryMb }]
      : [],
  );
  const running = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function run(job: (typeof scheduled)[number], at: Date) {
    const handler = await load(job.name);
    // EventBridge names the minute the rule fired for.
    const event = scheduledEvent(job.name, new Date(at.getTime() - (at.getTime() % 60_000)));
    try {
      await handler(event, lambdaContext(job.name, event.id, job.memoryMb, job.timeoutMs));
    } catch (error) {
      // As a failed scheduled invocation: logged, and the next minute that matches runs it again.
      logger.error("local scheduled run failed", {
        job: job.name,
        error: error instanceof Error ? error.name : String(error),
      });
    }
  }

  function tick() {
    if (closed) return;
    const at = clock();
    for (const job of scheduled) {
      if (running.has(job.name) || !cronMatches(job.trigger, at)) continue;
      running.set(
        job.name,
        run(job, at).finally(() => running.delete(job.name)),
      );
    }
    schedule();
  }

  function schedule() {
    const now = clock().getTime();
    // Just after the next minute starts, as EventBridge fires within the minute.
    timer = setTimeout(tick, 60_000 - (now % 60_000) + 50);
    timer.unref();
  }

  schedule();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await Promise.all(running.values());
    },
  };
}

/** Whether a cron of the stack's schedules (UTC; fields "*" or one number, the forms they use) names this minute. */
export function cronMatches(trigger: Pick<ScheduleTrigger, "cron">, at: Date): boolean {
  const fields: [keyof CronOptions, number][] = [
    ["minute", at.getUTCMinutes()],
    ["hour", at.getUTCHours()],
    ["day", at.getUTCDate()],
    ["month", at.getUTCMonth() + 1],
    ["year", at.getUTCFullYear()],
  ];
  if (trigger.cron.weekDay !== undefined) {
    throw new Error(`the local scheduler does not read weekDay (${trigger.cron.weekDay})`);
  }
  return fields.every(([name, value]) => {
    const field = trigger.cron[name];
    if (field === undefined || field === "*" || field === "?") return true;
    if (!/^\d+$/.test(field))
      throw new Error(`the local scheduler reads "*" or a number, not ${name} "${field}"`);
    return Number(field) === value;
  });
}
