import { existsSync } from "node:fs";
import { Duration } from "aws-cdk-lib";
import type { CronOptions } from "aws-cdk-lib/aws-events";
import { PASS_UPDATES_FILTER_PATTERNS } from "../../passes/pass-changes.ts";
import { JOB_FUNCTION_TIMEOUT_SECONDS, STREAM_FUNCTION_TIMEOUT_SECONDS } from "../../shared/budgets.ts";
import { EXPIRY_CUSTOMER_FAILED_MESSAGE } from "../../shared/logged-failures.ts";
import { NOTIFICATIONS_FILTER_PATTERNS } from "../../shared/notifications/stream.ts";
import { WEBHOOKS_FILTER_PATTERNS } from "../../shared/webhooks/events.ts";
import type { LoggedFailure } from "./alarms.ts";
import { handlerEntry } from "./app-function.ts";

/** Records reach the function only when they match one of these EventBridge-style patterns. */
export interface TableStreamTrigger {
  kind: "tableStream";
  filterPatterns: readonly Record<string, unknown>[];
  batchSize: number;
  retryAttempts: number;
  maxRecordAge: Duration;
}

export interface ScheduleTrigger {
  kind: "schedule";
  /** Evaluated in UTC. */
  cron: CronOptions;
  description: string;
}

export interface BackgroundFunctionDefinition {
  /** Module under functions/, without extension; it exports `handler`. */
  handler: string;
  trigger: TableStreamTrigger | ScheduleTrigger;
  memoryMb?: number;
  timeout: Duration;
  /** Failures the function logs and survives; each gets a metric filter and an alarm. */
  loggedFailures?: readonly LoggedFailure[];
}

/**
 * Functions not behind a route. Each is deployed once its module exists under functions/, so a
 * declaration can land before (or without) the code; its IAM needs go in function-needs.ts.
 */
export const BACKGROUND_FUNCTIONS: readonly BackgroundFunctionDefinition[] = [
  {
    handler: "pass-updates-stream",
    trigger: {
      kind: "tableStream",
      // The patterns the local stream poller applies too, from the module that reads the records.
      filterPatterns: PASS_UPDATES_FILTER_PATTERNS,
      batchSize: 25,
      // Bounded so one poisoned record cannot hold its shard for the stream's whole 24 h retention;
      // bisecting isolates it in a few attempts and it is then parked in the failure queue.
      retryAttempts: 5,
      // As long as the stream keeps records (24 h): a new member's first Google object (INSERT) must not
      // be dropped for being late. What still fails lands in the failure queue, which raises an alarm.
      maxRecordAge: Duration.hours(24),
    },
    timeout: Duration.seconds(STREAM_FUNCTION_TIMEOUT_SECONDS),
  },
  {
    handler: "notifications-stream",
    trigger: {
      kind: "tableStream",
      filterPatterns: NOTIFICATIONS_FILTER_PATTERNS,
      batchSize: 10,
      // More than the handler's own 3 delivery attempts, which mark a notification dead and stop failing it.
      retryAttempts: 5,
      maxRecordAge: Duration.hours(24),
    },
    timeout: Duration.seconds(STREAM_FUNCTION_TIMEOUT_SECONDS),
  },
  {
    handler: "webhooks-stream",
    trigger: {
      kind: "tableStream",
      filterPatterns: WEBHOOKS_FILTER_PATTERNS,
      batchSize: 10,
      // A record fails only when the table could not be written; receivers' failures are the retry job's.
      retryAttempts: 5,
      maxRecordAge: Duration.hours(24),
    },
    timeout: Duration.seconds(STREAM_FUNCTION_TIMEOUT_SECONDS),
  },
  {
    handler: "webhooks-retry",
    trigger: {
      kind: "schedule",
      // Every minute: the schedule's first retry (5 s) is therefore taken within about a minute.
      cron: { minute: "*" },
      description: "Retry webhook deliveries that are due",
    },
    // Attempts are 5 s at most, 8 at a time; a run stops 30 s before this and the next goes on.
    timeout: Duration.seconds(STREAM_FUNCTION_TIMEOUT_SECONDS),
  },
  {
    handler: "imports-job",
    trigger: {
      kind: "schedule",
      // Every minute: an import's run goes on within a minute of the request that started it.
      cron: { minute: "*" },
      description: "Go on with CSV imports that have lines left",
    },
    memoryMb: 1024,
    // A run stops 30 s before this (functions/imports-job.ts) and the next one goes on from each cursor; runs
    // that overlap on one import are safe (each save is conditional on the import's version).
    timeout: Duration.seconds(STREAM_FUNCTION_TIMEOUT_SECONDS),
  },
  {
    handler: "exports-job",
    trigger: {
      kind: "schedule",
      // Every minute: an export the API handed over (past the request's budget) is started within a minute.
      cron: { minute: "*" },
      description: "Produce the exports handed over by the API",
    },
    memoryMb: 1024,
    // Lambda's maximum: each file is produced in one go (functions/exports-job.ts); a run that dies leaves
    // its export's lease to end and a later run starts the file again (shared/exports/job.ts).
    timeout: Duration.seconds(JOB_FUNCTION_TIMEOUT_SECONDS),
  },
  {
    handler: "expiry-job",
    trigger: {
      kind: "schedule",
      // Early morning in Europe, when no shop is open and scanners are idle.
      cron: { minute: "30", hour: "2" },
      description: "Expire points whose validity ended",
    },
    memoryMb: 1024,
    // Lambda's maximum: a run that nears it saves a checkpoint, and only the next day's run goes on from there.
    timeout: Duration.seconds(JOB_FUNCTION_TIMEOUT_SECONDS),
    // One customer's failure never stops the run: the job logs it, goes on, and the next run retries it.
    loggedFailures: [
      {
        message: EXPIRY_CUSTOMER_FAILED_MESSAGE,
        metricName: "ExpiryCustomerFailures",
        alarmSuffix: "customer-failures",
        description:
          "a customer's points could not be expired; the next run retries them, and the log line names the customer and the error",
      },
    ],
  },
];

/** The declared background functions whose handler module exists. */
export function presentBackgroundFunctions(
  definitions: readonly BackgroundFunctionDefinition[] = BACKGROUND_FUNCTIONS,
): BackgroundFunctionDefinition[] {
  return definitions.filter((definition) => existsSync(handlerEntry(definition.handler)));
}
