import { randomUUID } from "node:crypto";
import type { ScheduledEvent } from "aws-lambda";

/** The event EventBridge hands a scheduled function: the local scheduler, `npm run job:*` and tests send it. */
export function scheduledEvent(rule: string, time: Date): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "000000000000",
    time: time.toISOString(),
    region: process.env.AWS_REGION ?? "eu-west-3",
    resources: [`arn:aws:events:eu-west-3:000000000000:rule/${rule}`],
    detail: {},
  };
}
