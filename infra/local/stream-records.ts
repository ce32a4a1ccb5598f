import type { _Record, AttributeValue as StreamAttributeValue } from "@aws-sdk/client-dynamodb-streams";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";

/**
 * DynamoDB Streams API records → the records Lambda's event source mapping delivers. The shapes
 * differ in two places: Lambda gives ApproximateCreationDateTime in epoch seconds and binary values
 * as base64 strings, where the SDK gives a Date and bytes.
 */
export function toLambdaRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: record.awsRegion ?? region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(stream.Keys ? { Keys: toLambdaImage(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: toLambdaImage(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: toLambdaImage(stream.OldImage) } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
  };
}

function toLambdaImage(image: Record<string, StreamAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

function toLambdaValue(value: StreamAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  // S, N, SS, NS, BOOL and NULL have the same shape on both sides.
  return value as AttributeValue;
}

/**
 * Lambda's event filtering for the subset of patterns this project uses: nested objects, and arrays
 * of which one element must match the field: a literal value, or `{ prefix: "…" }` for a string that
 * starts with it. Records are kept when any pattern matches.
 */
export function matchesFilter(patterns: readonly Record<string, unknown>[], record: DynamoDBRecord): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matches(pattern, record));
}

function matches(pattern: Record<string, unknown>, value: unknown): boolean {
  if (!value || typeof value !== "object") return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (value as Record<string, unknown>)[key];
    if (Array.isArray(expected)) return expected.some((matcher) => matchesValue(matcher, actual));
    if (expected && typeof expected === "object") return matches(expected as Record<string, unknown>, actual);
    throw new Error(`unsupported filter pattern at "${key}": use an array of values`);
  });
}

function matchesValue(matcher: unknown, actual: unknown): boolean {
  if (matcher && typeof matcher === "object") {
    const { prefix } = matcher as { prefix?: unknown };
    if (typeof prefix === "string" && Object.keys(matcher).length === 1) {
      return typeof actual === "string" && actual.startsWith(prefix);
    }
    throw new Error(`unsupported filter matcher ${JSON.stringify(matcher)}: use a value or { prefix }`);
  }
  return matcher === actual;
}
