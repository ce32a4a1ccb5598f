import { type CfnResource, Duration, Stack, TimeZone, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { AppFunction } from "./app-function.ts";
import type { ScheduleTrigger } from "./background-functions.ts";

/** Runs a function on a cron schedule with EventBridge Scheduler. */
export function scheduleFunction(target: AppFunction, trigger: ScheduleTrigger): scheduler.Schedule {
  const stack = Stack.of(target);
  // A role per schedule, so that the acknowledgement below covers this one grant and nothing else.
  const role = new iam.Role(target, "ScheduleRole", {
    assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
      conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
    }),
  });
  const functionLogicalId = stack.resolve((target.fn.node.defaultChild as CfnResource).logicalId) as string;
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
    reason:
      "grantInvoke also covers the function's versions and aliases (ARN:*); the grant is still limited to this one function.",
  });

  return new scheduler.Schedule(target, "Schedule", {
    description: trigger.description,
    schedule: scheduler.ScheduleExpression.cron({ ...trigger.cron, timeZone: TimeZone.ETC_UTC }),
    target: new LambdaInvoke(target.fn, {
      role,
      // The time the run was due, not the time it happened to start: a retried or late run expires as of
      // the same moment (the handler reads `time` like an EventBridge event's).
      input: scheduler.ScheduleTargetInput.fromObject({ time: scheduler.ContextAttribute.scheduledTime }),
      // These retries cover delivery. Scheduler invokes asynchronously, so a run that throws is retried
      // by Lambda itself (twice): the job must be safe to run again, as a daily job has to be anyway.
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    }),
  });
}
