import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { errorResponse } from "../../../functions/http/problem.ts";
import { createDb } from "../../../shared/db/client.ts";
import { UnavailableError } from "../../../shared/errors.ts";
import { idempotencyFrom } from "../../../shared/idempotency.ts";
import { appendEntry } from "../../../shared/ledger/append.ts";
import { GENESIS_HASH, hashEntry } from "../../../shared/ledger/hash-chain.ts";
import type { Customer } from "../../../shared/model.ts";
import { cancelled, recordingBackoff } from "../../support/transaction-faults.ts";

// DynamoDB Local never reports transaction conflicts, so the contention paths are proven here with injected faults.

const db = createDb({ table: "t", endpoint: "http://127.0.0.1:1" });
const mock = mockClient(db.client as unknown as DynamoDBDocumentClient);

const customer: Customer = {
  merchantId: "m",
  id: "c",
  name: "N",
  locale: "en",
  marketingConsent: false,
  barcode: "B",
  passSerial: "S",
  passToken: "T",
  balance: 10,
  seq: 2,
  headHash: GENESIS_HASH,
  lastVisits: {},
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

const { backoff, sleeps } = recordingBackoff(4);
const deps = { db, clock: () => new Date("2026-03-01T10:00:00Z"), backoff };

const request = () => ({
  merchantId: "m",
  customerId: "c",
  idempotency: idempotencyFrom("key-1", "test", { n: 1 }),
  plan: () => ({
    entry: { type: "visit" as const, points: 5, inputs: {}, explanation: "x" },
    respond: (entry: { balanceAfter: number }) => ({
      status: 201,
      body: { balanceAfter: entry.balanceAfter },
    }),
  }),
});

function givenCustomerAndNoKey() {
  mock
    .on(GetCommand)
    .callsFake((input: { Key: { sk: string } }) =>
      input.Key.sk === "#PROFILE" ? { Item: customer } : { Item: undefined },
    );
}

beforeEach(() => {
  mock.reset();
  sleeps.length = 0;
});

describe("appending under contention", () => {
  it("retries a TransactionConflict with backoff, then succeeds", async () => {
    givenCustomerAndNoKey();
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled("None", "None", "TransactionConflict"))
      .resolves({});
    const result = await appendEntry(deps, request());
    expect(result).toEqual({ status: 201, body: { balanceAfter: 15 }, replayed: false });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("re-reads and retries when another writer moved the chain (profile condition failed)", async () => {
    givenCustomerAndNoKey();
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled("None", "None", "ConditionalCheckFailed"))
      .resolves({});
    await appendEntry(deps, request());
    const profileReads = mock.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.sk === "#PROFILE");
    expect(profileReads).toHaveLength(2);
  });

  it("gives up after bounded attempts with a retryable 503", async () => {
    givenCustomerAndNoKey();
    mock.on(TransactWriteCommand).rejects(cancelled("None", "None", "TransactionConflict"));
    const error = await appendEntry(deps, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(4);
    const response = errorResponse(error, "req-1");
    expect(response.statusCode).toBe(503);
    expect(response.headers?.["retry-after"]).toBe("1");
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
  });

  it("replays the stored response when the same key won the race", async () => {
    let keyReads = 0;
    const idempotency = idempotencyFrom("key-1", "test", { n: 1 });
    mock.on(GetCommand).callsFake((input: { Key: { sk: string } }) => {
      if (input.Key.sk === "#PROFILE") return { Item: customer };
      keyReads++;
      return keyReads === 1
        ? { Item: undefined }
        : {
            Item: {
              fingerprint: idempotency.fingerprint,
              status: 201,
              response: JSON.stringify({ balanceAfter: 15 }),
            },
          };
    });
    mock.on(TransactWriteCommand).rejects(cancelled("ConditionalCheckFailed", "None", "None"));
    const result = await appendEntry(deps, request());
    expect(result).toEqual({ status: 201, body: { balanceAfter: 15 }, replayed: true });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it("maps throttling that outlived the SDK's retries to 503, and unknown failures to an opaque 500", async () => {
    givenCustomerAndNoKey();
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    mock.on(TransactWriteCommand).rejects(throttled);
    const error = await appendEntry(deps, request()).catch((e: unknown) => e);
    expect(errorResponse(error, "r").statusCode).toBe(503);

    const internal = errorResponse(new Error("secret table name t at line 12"), "r");
    expect(internal.statusCode).toBe(500);
    expect(internal.body).not.toContain("secret");
    expect(JSON.parse(internal.body ?? "{}")).toMatchObject({ status: 500, requestId: "r" });
  });

  it("writes entry, balance and key in one transaction guarded by the entry count", async () => {
    givenCustomerAndNoKey();
    mock.on(TransactWriteCommand).resolves({});
    await appendEntry(deps, request());
    const items = mock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    // Idempotency record, entry, profile, and the batch this credit opens.
    expect(items).toHaveLength(4);
    expect(items[3]?.Put?.Item).toMatchObject({ sk: "BATCH#0000000003", points: 5, remaining: 5 });
    expect(items[0]?.Put?.ConditionExpression).toBe("attribute_not_exists(pk)");
    expect(items[1]?.Put?.Item).toMatchObject({
      seq: 3,
      balanceAfter: 15,
      prevHash: GENESIS_HASH,
      sk: "ENTRY#0000000003",
    });
    // The entry's hash covers what was written, index keys aside.
    const entry = items[1]?.Put?.Item ?? {};
    expect(hashEntry(entry)).toBe(entry.hash);
    expect(items[2]?.Update?.ConditionExpression).toBe("seq = :expectedSeq");
    expect(items[2]?.Update?.ExpressionAttributeValues).toMatchObject({
      ":expectedSeq": 2,
      ":seq": 3,
      ":balance": 15,
    });
  });
});
