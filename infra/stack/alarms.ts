import { Duration, Stack } from "aws-cdk-lib";
import type * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { AppFunction } from "./app-function.ts";

const PERIOD = Duration.minutes(5);
/** Where metrics the app derives from its own logs go. */
const METRIC_NAMESPACE = "loyalty-wallet";

/** A failure a function logs and carries on from, declared on its definition (background-functions.ts). */
export interface LoggedFailure {
  /** The log line's `message`, exactly. */
  message: string;
  metricName: string;
  /** The alarm's name after the handler's: `<handler>-<alarmSuffix>`. */
  alarmSuffix: string;
  /** What the alarm means and what to do. */
  description: string;
}

/**
 * The alarm topic and every alarm on it. Each alarm notifies on ALARM and on OK, so whoever was paged
 * also learns when it cleared. No data means nothing went wrong: quiet nights are not alarms.
 */
export class OperationalAlarms extends Construct {
  readonly topic: sns.Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: { alarmEmail?: string }) {
    super(scope, id);
    // Not KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and alarm
    // messages carry resource names only.
    this.topic = new sns.Topic(this, "Topic", { displayName: "loyalty-wallet alarms", enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  /**
   * Any unhandled error: handlers map expected failures to responses, so these are bugs or timeouts.
   * The alarm sits next to its function, in whichever (nested) stack that is.
   */
  watchFunction(target: AppFunction): void {
    const name = target.handlerName;
    this.add(target, "Errors", `${name}-errors`, {
      metric: target.fn.metricErrors({ period: PERIOD, statistic: "Sum" }),
      threshold: 1,
      description: `functions/${name}.ts threw or timed out`,
    });
  }

  /**
   * Throttles of every function at once (the account-wide metric, so other stacks in the account and
   * region count too). No function reserves concurrency, so a throttle can only come from the
   * account's concurrency limit, which they all share: one alarm says it all.
   */
  watchThrottles(): void {
    this.add(this, "lambda-throttles", "lambda-throttles", {
      metric: new cloudwatch.Metric({
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        period: PERIOD,
        statistic: "Sum",
      }),
      threshold: 1,
      description: "Lambda throttled invocations: the account's concurrency limit was reached",
    });
  }

  /** Share of requests answered 5xx, including those a handler mapped to 500 itself. */
  watchApi(api: apigwv2.HttpApi): void {
    this.add(this, "api-5xx-rate", "api-5xx-rate", {
      metric: new cloudwatch.MathExpression({
        expression: "IF(requests > 0, 100 * errors / requests, 0)",
        usingMetrics: {
          errors: api.metricServerError({ period: PERIOD, statistic: "Sum" }),
          requests: api.metricCount({ period: PERIOD, statistic: "Sum" }),
        },
        period: PERIOD,
        label: "5xx (% of requests)",
      }),
      // Over 5 % in two of three periods: one failed scan at a quiet shop must not page anyone.
      threshold: 5,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: "More than 5% of API requests answered 5xx",
    });
  }

  watchFailureQueue(name: string, queue: sqs.IQueue): void {
    this.add(this, `${name}-failed-records`, `${name}-failed-records`, {
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: "Maximum" }),
      threshold: 1,
      description: `Stream records that functions/${name}.ts gave up on; redrive or investigate`,
    });
  }

  watchIteratorAge(name: string, fn: lambda.IFunction): void {
    this.add(this, `${name}-iterator-age`, `${name}-iterator-age`, {
      metric: fn.metric("IteratorAge", { period: PERIOD, statistic: "Maximum" }),
      // Passes should show a new balance within seconds; five minutes behind means the consumer is stuck.
      threshold: Duration.minutes(5).toMilliseconds(),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      description: `functions/${name}.ts is falling behind the table stream`,
    });
  }

  /**
   * A structured log line the function writes per failure it survives (so no Errors metric sees it):
   * counted by a metric filter on its log group, alarmed from the first one in a day.
   */
  watchLoggedFailures(target: AppFunction, failure: LoggedFailure): void {
    const name = target.handlerName;
    const filter = new logs.MetricFilter(target, `${failure.metricName}Filter`, {
      logGroup: target.logGroup,
      filterPattern: logs.FilterPattern.stringValue("$.message", "=", failure.message),
      metricNamespace: METRIC_NAMESPACE,
      metricName: failure.metricName,
      metricValue: "1",
    });
    this.add(target, failure.metricName, `${name}-${failure.alarmSuffix}`, {
      metric: filter.metric({ period: Duration.days(1), statistic: "Sum" }),
      threshold: 1,
      description: `functions/${name}.ts logged "${failure.message}": ${failure.description}`,
    });
  }

  private add(
    scope: Construct,
    id: string,
    name: string,
    options: {
      metric: cloudwatch.IMetric;
      threshold: number;
      description: string;
      comparison?: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmName: `${Stack.of(this).stackName}-${name}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator:
        options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
