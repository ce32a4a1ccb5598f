import { Duration, Validations } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { AppFunction } from "./app-function.ts";
import type { TableStreamTrigger } from "./background-functions.ts";
import type { StageSettings } from "./stage-config.ts";

/**
 * Feeds the table's stream to a function. Failures are reported per record (the handler returns
 * batchItemFailures), so one bad record does not replay the whole batch; records that still fail are
 * described in the failure queue, whose messages point at the shard and sequence numbers to re-read.
 */
export function consumeTableStream(
  target: AppFunction,
  table: dynamodb.ITable,
  trigger: TableStreamTrigger,
  settings: StageSettings,
): sqs.Queue {
  const failures = new sqs.Queue(target, "StreamFailures", {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // The longest SQS allows; the stream itself forgets records after 24 h, so these are the only trace.
    retentionPeriod: Duration.days(14),
    removalPolicy: settings.removalPolicy,
  });
  Validations.of(failures).acknowledge({
    id: "AwsSolutions-SQS3",
    reason:
      "This queue is the stream's on-failure destination, the last stop for failed records; nothing consumes it automatically, so a queue behind it would never be used. An alarm fires when it holds a message.",
  });

  target.fn.addEventSource(
    new DynamoEventSource(table, {
      // From the oldest record still in the stream, so a deploy or a paused mapping loses no balance change.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: trigger.batchSize,
      maxBatchingWindow: Duration.seconds(1),
      bisectBatchOnError: true,
      retryAttempts: trigger.retryAttempts,
      maxRecordAge: trigger.maxRecordAge,
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(failures),
      filters: trigger.filterPatterns.map((pattern) => lambda.FilterCriteria.filter(pattern)),
    }),
  );
  return failures;
}
