import { randomUUID } from "node:crypto";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
} from "@aws-sdk/client-dynamodb-streams";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import {
  STREAM_FUNCTION_TIMEOUT_SECONDS,
  STREAMS_CONNECT_TIMEOUT_MS,
  STREAMS_MAX_ATTEMPTS,
  STREAMS_REQUEST_TIMEOUT_MS,
} from "../../shared/budgets.ts";
import { sdkClientBudget } from "../../shared/sdk-client-budget.ts";
import { dynamoDbBudget } from "../../shared/store/db/client.ts";
import { lambdaContext } from "./api-gateway-event.ts";
import { matchesFilter, toLambdaRecord } from "./stream-records.ts";

export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  region?: string;
  handler: StreamHandler;
  /** For the Lambda context the handler receives. */
  functionName: string;
  /** The event source mapping's filter criteria; every record when empty. */
  filterPatterns?: readonly Record<string, unknown>[];
  /** Pause between rounds of GetRecords; DynamoDB Local answers at once when there is nothing. */
  intervalMs?: number;
  /** As the event source mapping's batchSize. */
  batchSize?: number;
  /** Deliveries of a failing batch after the first, as the mapping's retryAttempts; then it is skipped. */
  retryAttempts?: number;
  onError?: (message: string, error: unknown) => void;
}

export interface StreamPoller {
  /** Records handed to the handler so far (after filtering), redeliveries included. */
  readonly delivered: number;
  stop(): Promise<void>;
}

interface ShardState {
  parentId: string | undefined;
  iterator: string | undefined;
  lastSequence: string | undefined;
  closed: boolean;
}

const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
const RESHARD_CHECK_MS = 5_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Stands in for Lambda's DynamoDB event source mapping on DynamoDB Local: reads every shard of the
 * table's stream in order (children only after their parent is drained), filters like the mapping,
 * and invokes the handler with real DynamoDBStreamEvents. A batch that reports failures is delivered
 * again from its first failed record, as Lambda does with ReportBatchItemFailures.
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const region = options.region ?? "eu-west-3";
  const intervalMs = options.intervalMs ?? 100;
  const batchSize = options.batchSize ?? 25;
  const retryAttempts = options.retryAttempts ?? 3;
  const onError = options.onError ?? ((message, error) => console.error(message, String(error)));
  const clientOptions = { endpoint: options.endpoint, region, credentials: CREDENTIALS };
  // A poll that stalls fails within its budget and the loop polls again, instead of waiting forever.
  const streams = new DynamoDBStreamsClient({
    ...clientOptions,
    ...sdkClientBudget({
      connectTimeoutMs: STREAMS_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: STREAMS_REQUEST_TIMEOUT_MS,
      maxAttempts: STREAMS_MAX_ATTEMPTS,
    }),
  });

  const tables = new DynamoDBClient({ ...clientOptions, ...sdkClientBudget(dynamoDbBudget()) });
  const { Table } = await tables
    .send(new DescribeTableCommand({ TableName: options.tableName }))
    .finally(() => tables.destroy());
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);

  const shards = new Map<string, ShardState>();
  let running = true;
  let delivered = 0;
  let lastShardCheck = 0;

  async function refreshShards(): Promise<void> {
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of StreamDescription?.Shards ?? ([] as Shard[])) {
        if (shard.ShardId && !shards.has(shard.ShardId)) {
          shards.set(shard.ShardId, {
            parentId: shard.ParentShardId,
            iterator: undefined,
            lastSequence: undefined,
            closed: false,
          });
        }
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    lastShardCheck = Date.now();
  }

  /** A child shard waits until its parent (if still listed) is drained, so one item's changes stay in order. */
  const readable = (shard: ShardState) =>
    !shard.closed && !(shard.parentId && shards.get(shard.parentId)?.closed === false);

  async function iteratorFor(shardId: string, shard: ShardState): Promise<string | undefined> {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(shard.lastSequence
          ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: shard.lastSequence }
          : { ShardIteratorType: "TRIM_HORIZON" }),
      }),
    );
    return ShardIterator;
  }

  async function invoke(records: DynamoDBRecord[]): Promise<void> {
    let batch = records;
    for (let attempt = 0; batch.length > 0; attempt++) {
      const event: DynamoDBStreamEvent = { Records: batch };
      delivered += batch.length;
      let failedFrom = -1;
      try {
        const result = await options.handler(
          event,
          lambdaContext(options.functionName, randomUUID(), 512, STREAM_FUNCTION_TIMEOUT_SECONDS * 1_000),
        );
        const failed = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
        failedFrom = batch.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ""));
      } catch (error) {
        onError(`${options.functionName} threw; the batch is delivered again`, error);
        failedFrom = 0;
      }
      if (failedFrom < 0) return;
      if (attempt >= retryAttempts) {
        onError(
          `${options.functionName}: giving up on ${batch.length - failedFrom} records after ${attempt + 1} deliveries`,
          undefined,
        );
        return;
      }
      // As Lambda: the checkpoint stays before the first failed record, and everything after it comes again.
      batch = batch.slice(failedFrom);
      await sleep(Math.min(2_000, 100 * 2 ** attempt));
    }
  }

  async function pollShard(shardId: string, shard: ShardState): Promise<void> {
    shard.iterator ??= await iteratorFor(shardId, shard);
    if (!shard.iterator) {
      shard.closed = true;
      return;
    }
    let result: GetRecordsCommandOutput;
    try {
      result = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 100 }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === "ExpiredIteratorException" || name === "TrimmedDataAccessException") {
        shard.iterator = undefined;
        return;
      }
      throw error;
    }
    const records = result.Records ?? [];
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) shard.lastSequence = last;
    const wanted = records
      .map((record) => toLambdaRecord(record, streamArn as string, region))
      .filter((record) => matchesFilter(options.filterPatterns ?? [], record));
    for (let i = 0; i < wanted.length; i += batchSize) {
      await invoke(wanted.slice(i, i + batchSize));
    }
    shard.iterator = result.NextShardIterator;
    // No next iterator: the shard was closed (rolled over) and is drained; its children take over.
    if (!shard.iterator) shard.closed = true;
  }

  async function loop(): Promise<void> {
    while (running) {
      try {
        if (shards.size === 0 || Date.now() - lastShardCheck > RESHARD_CHECK_MS) await refreshShards();
        let anyClosed = false;
        for (const [shardId, shard] of shards) {
          if (!running) break;
          if (!readable(shard)) continue;
          await pollShard(shardId, shard);
          anyClosed ||= shard.closed;
        }
        if (anyClosed) await refreshShards();
      } catch (error) {
        if (running) onError("stream poll failed", error);
      }
      if (running) await sleep(intervalMs);
    }
  }

  await refreshShards();
  const done = loop();
  return {
    get delivered() {
      return delivered;
    },
    async stop() {
      running = false;
      await done;
      streams.destroy();
    },
  };
}

/**
 * Feeds the stream to the `handler` of functions/<functionName>.ts, the very module Lambda runs, with
 * its event source mapping's filter.
 */
export async function pollForFunction(
  options: Omit<StreamPollerOptions, "handler"> & { functionName: string },
): Promise<StreamPoller> {
  const { handler } = (await import(`../../functions/${options.functionName}.ts`)) as {
    handler: StreamHandler;
  };
  return startStreamPoller({ ...options, handler });
}
