import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StreamPoller, startStreamPoller } from "../../../infra/local/stream-poller.ts";
import { toLambdaRecord } from "../../../infra/local/stream-records.ts";
import { PASS_UPDATES_FILTER_PATTERNS } from "../../../passes/pass-changes.ts";

const STREAM = "arn:aws:dynamodb:eu-west-3:000000000000:table/t/stream/2026-01-01T00:00:00.000";
const tables = mockClient(DynamoDBClient);
const streams = mockClient(DynamoDBStreamsClient);
let poller: StreamPoller | undefined;

const profileRecord = (seq: number): _Record => ({
  eventID: `e${seq}`,
  eventName: "MODIFY",
  eventVersion: "1.1",
  eventSource: "aws:dynamodb",
  awsRegion: "ddblocal",
  dynamodb: {
    ApproximateCreationDateTime: new Date("2026-03-01T10:00:00Z"),
    Keys: { pk: { S: "MERCHANT#m#CUSTOMER#c" }, sk: { S: "#PROFILE" } },
    NewImage: {
      pk: { S: "MERCHANT#m#CUSTOMER#c" },
      sk: { S: "#PROFILE" },
      logo: { B: Uint8Array.from([1, 2]) },
    },
    OldImage: { pk: { S: "MERCHANT#m#CUSTOMER#c" }, sk: { S: "#PROFILE" } },
    SequenceNumber: String(seq).padStart(21, "0"),
    SizeBytes: 10,
    StreamViewType: "NEW_AND_OLD_IMAGES",
  },
});
const passItemRecord = (seq: number): _Record => ({
  ...profileRecord(seq),
  dynamodb: { ...profileRecord(seq).dynamodb, Keys: { pk: { S: "PASS#p" }, sk: { S: "#PASS" } } },
});

function start(handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>) {
  return startStreamPoller({
    endpoint: "http://127.0.0.1:1",
    tableName: "t",
    handler,
    functionName: "pass-updates-stream",
    filterPatterns: PASS_UPDATES_FILTER_PATTERNS,
    intervalMs: 2,
    onError: () => {},
  });
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const seqs = (event: DynamoDBStreamEvent) => event.Records.map((r) => Number(r.dynamodb?.SequenceNumber));

beforeEach(() => {
  tables.reset();
  streams.reset();
  tables.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: STREAM } });
  streams
    .on(GetShardIteratorCommand)
    .callsFake((input: { ShardId: string }) => ({ ShardIterator: `${input.ShardId}-0` }));
});
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

describe("the local stream poller", () => {
  it("drains a closed shard before its child, in order, and passes only filtered records as Lambda shapes them", async () => {
    // The child is listed first, as a description may list them: it must wait until its parent is drained.
    streams
      .on(DescribeStreamCommand)
      .resolves({ StreamDescription: { Shards: [{ ShardId: "B", ParentShardId: "A" }, { ShardId: "A" }] } });
    streams
      .on(GetRecordsCommand, { ShardIterator: "A-0" })
      .resolves({ Records: [profileRecord(1), passItemRecord(2)], NextShardIterator: "A-1" })
      // No next iterator: the shard rolled over and is drained.
      .on(GetRecordsCommand, { ShardIterator: "A-1" })
      .resolves({ Records: [profileRecord(3)] })
      .on(GetRecordsCommand, { ShardIterator: "B-0" })
      .resolves({ Records: [profileRecord(4)], NextShardIterator: "B-1" })
      .on(GetRecordsCommand, { ShardIterator: "B-1" })
      .resolves({ Records: [], NextShardIterator: "B-1" });
    const events: DynamoDBStreamEvent[] = [];

    poller = await start(async (event) => {
      events.push(event);
      return { batchItemFailures: [] };
    });
    await until(() => events.flatMap(seqs).includes(4));

    expect(events.flatMap(seqs)).toEqual([1, 3, 4]);
    expect(events[0]?.Records[0]).toMatchObject({
      eventSource: "aws:dynamodb",
      eventSourceARN: STREAM,
      eventName: "MODIFY",
      dynamodb: {
        ApproximateCreationDateTime: Date.parse("2026-03-01T10:00:00Z") / 1000,
        Keys: { sk: { S: "#PROFILE" } },
        NewImage: { logo: { B: "AQI=" } },
        SequenceNumber: "000000000000000000001",
      },
    });
  });

  it("delivers a batch again from its first failed record, as Lambda does", async () => {
    streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: "A" }] } });
    streams
      .on(GetRecordsCommand, { ShardIterator: "A-0" })
      .resolves({ Records: [profileRecord(1), profileRecord(2), profileRecord(3)], NextShardIterator: "A-1" })
      .on(GetRecordsCommand, { ShardIterator: "A-1" })
      .resolves({ Records: [], NextShardIterator: "A-1" });
    const deliveries: number[][] = [];

    poller = await start(async (event) => {
      deliveries.push(seqs(event));
      const failed = deliveries.length === 1 ? [event.Records[1]?.dynamodb?.SequenceNumber as string] : [];
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    });
    await until(() => deliveries.length >= 2);

    expect(deliveries).toEqual([
      [1, 2, 3],
      [2, 3],
    ]);
  });

  it("converts images as Lambda does: binary as base64, nested maps and lists too", () => {
    const record = toLambdaRecord(
      {
        eventName: "INSERT",
        dynamodb: {
          SequenceNumber: "1",
          NewImage: {
            m: {
              M: { b: { B: Uint8Array.from([255]) }, l: { L: [{ BS: [Uint8Array.from([0])] }, { N: "1" }] } },
            },
          },
        },
      },
      STREAM,
      "eu-west-3",
    );
    expect(record.dynamodb?.NewImage).toEqual({
      m: { M: { b: { B: "/w==" }, l: { L: [{ BS: ["AA=="] }, { N: "1" }] } } },
    });
    expect(record.awsRegion).toBe("eu-west-3");
  });
});
