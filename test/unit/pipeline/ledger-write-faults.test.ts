import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { errorResponse } from "../../../functions/http/problem.ts";
import { conflict, type DomainError, UnavailableError, ValidationError } from "../../../shared/errors.ts";
import { idempotencyFrom } from "../../../shared/idempotency.ts";
import { expiryInputs } from "../../../shared/ledger/explain/parts.ts";
import { GENESIS_HASH, hashEntry } from "../../../shared/ledger/hash-chain.ts";
import type { Customer } from "../../../shared/model.ts";
import { type LedgerOperation, ledgerWrite } from "../../../shared/pipeline/ledger-write.ts";
import { createDb } from "../../../shared/store/db/client.ts";
import { storedAnswer } from "../../support/stored-answer.ts";
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
const idempotency = idempotencyFrom("key-1", "test", { n: 1 });

const VISIT = { kind: "visit", pointsPerVisit: 5, minMinutesBetweenVisits: 0 } as const;

const operation = (overrides: Partial<LedgerOperation<undefined, { balanceAfter: number }>> = {}) => ({
  name: "test",
  merchantId: "m",
  idempotency,
  load: async () => undefined,
  customerId: () => "c",
  plan: () => ({
    entry: { type: "visit" as const, points: 5, inputs: {}, rule: VISIT },
    result: (entry: { balanceAfter: number }) => ({ balanceAfter: entry.balanceAfter }),
  }),
  ...overrides,
});

/** The customer exists, the key is new, the lot the credit goes to does not exist yet. */
function givenCustomerAndNoKey(stored?: () => Record<string, unknown> | undefined) {
  mock.on(GetCommand).callsFake((input: { Key: { sk: string } }) => {
    if (input.Key.sk === "#PROFILE") return { Item: customer };
    if (input.Key.sk === "#IDEMPOTENCY") return { Item: stored?.() };
    return { Item: undefined };
  });
}

const transactions = () => mock.commandCalls(TransactWriteCommand);

beforeEach(() => {
  mock.reset();
  sleeps.length = 0;
});

describe("the write pipeline under contention", () => {
  it("retries a TransactionConflict with backoff, then succeeds", async () => {
    givenCustomerAndNoKey();
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled("None", "None", "TransactionConflict", "None"))
      .resolves({});
    const written = await ledgerWrite(deps, operation());
    expect(written).toEqual({ result: { balanceAfter: 15 }, replayed: false });
    expect(transactions()).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("re-reads and re-plans when another writer moved the chain (profile condition failed)", async () => {
    givenCustomerAndNoKey();
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled("None", "None", "ConditionalCheckFailed", "None"))
      .resolves({});
    let plans = 0;
    await ledgerWrite(
      deps,
      operation({
        plan: () => {
          plans++;
          return {
            entry: { type: "visit", points: 5, inputs: {}, rule: VISIT },
            result: (entry) => ({ balanceAfter: entry.balanceAfter }),
          };
        },
      }),
    );
    const profileReads = mock.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.sk === "#PROFILE");
    expect(profileReads).toHaveLength(2);
    expect(plans).toBe(2);
  });

  it("gives up after bounded attempts with a retryable 503", async () => {
    givenCustomerAndNoKey();
    mock.on(TransactWriteCommand).rejects(cancelled("None", "None", "TransactionConflict", "None"));
    const error = await ledgerWrite(deps, operation()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(transactions()).toHaveLength(4);
    const response = errorResponse(error, "req-1");
    expect(response.statusCode).toBe(503);
    expect(response.headers?.["retry-after"]).toBe("1");
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
  });

  it("gives up when the time budget is spent, even with attempts left", async () => {
    givenCustomerAndNoKey();
    mock.on(TransactWriteCommand).rejects(cancelled("None", "None", "TransactionConflict", "None"));
    const error = await ledgerWrite({ ...deps, contentionBudgetMs: 0 }, operation()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(transactions()).toHaveLength(1);
  });

  it("replays the stored result when the same key won the race", async () => {
    let keyReads = 0;
    givenCustomerAndNoKey(() =>
      ++keyReads === 1 ? undefined : storedAnswer(idempotency, { balanceAfter: 15 }),
    );
    mock.on(TransactWriteCommand).rejects(cancelled("ConditionalCheckFailed", "None", "None", "None"));
    const written = await ledgerWrite(deps, operation());
    expect(written).toEqual({ result: { balanceAfter: 15 }, replayed: true });
    expect(transactions()).toHaveLength(1);
  });

  it("maps throttling that outlived the SDK's retries to 503, and unknown failures to an opaque 500", async () => {
    givenCustomerAndNoKey();
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    mock.on(TransactWriteCommand).rejects(throttled);
    const error = await ledgerWrite(deps, operation()).catch((e: unknown) => e);
    expect(errorResponse(error, "r").statusCode).toBe(503);

    const internal = errorResponse(new Error("secret table name t at line 12"), "r");
    expect(internal.statusCode).toBe(500);
    expect(internal.body).not.toContain("secret");
    expect(JSON.parse(internal.body ?? "{}")).toMatchObject({ status: 500, requestId: "r" });
  });

  it("writes key, entry, balance and lot in one transaction guarded by the entry count", async () => {
    givenCustomerAndNoKey();
    mock.on(TransactWriteCommand).resolves({});
    await ledgerWrite(deps, operation());
    const items = transactions()[0]?.args[0].input.TransactItems ?? [];
    // Idempotency record, entry, profile, and the lot this credit fills.
    expect(items).toHaveLength(4);
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
    expect(items[2]?.Update?.ConditionExpression).toBe("seq = :expectedSeq AND attribute_not_exists(#spent)");
    expect(items[2]?.Update?.ExpressionAttributeValues).toMatchObject({
      ":expectedSeq": 2,
      ":seq": 3,
      ":balance": 15,
    });
    // An update, so reminder marks on the lot stay; made on condition it did not exist when read.
    expect(items[3]?.Update?.Key).toMatchObject({ sk: "LOTS#never" });
    expect(items[3]?.Update?.ExpressionAttributeValues).toMatchObject({ ":points": 5, ":seq": 3 });
    expect(items[3]?.Update?.ConditionExpression).toBe("attribute_not_exists(pk)");
  });
});

describe("the write pipeline's order", () => {
  it("answers a replay with the stored result before loading: what changed since cannot refuse it", async () => {
    givenCustomerAndNoKey(() => storedAnswer(idempotency, { ok: 1 }));
    const written = await ledgerWrite(
      deps,
      operation({
        loadReadsOnly: true,
        load: async () => {
          throw ValidationError.field("type", "this location's program counts a visit");
        },
      }),
    );
    expect(written).toEqual({ result: { ok: 1 }, replayed: true });
    expect(transactions()).toHaveLength(0);
  });

  it("refuses the same key with another request (422), before loading", async () => {
    givenCustomerAndNoKey(() => ({ fingerprint: "other", result: "{}" }));
    let loaded = false;
    const error = await ledgerWrite(
      deps,
      operation({
        load: async () => {
          loaded = true;
        },
      }),
    ).catch((e: unknown) => e);
    expect((error as DomainError).kind).toBe("idempotency-key-reuse");
    expect(loaded).toBe(false);
  });

  it("reads a failed condition by item name: an operation's own item maps to its domain error", async () => {
    givenCustomerAndNoKey();
    // The claim item is last; its position says nothing, its name does.
    mock
      .on(TransactWriteCommand)
      .rejects(cancelled("None", "None", "None", "None", "ConditionalCheckFailed"));
    const error = await ledgerWrite(
      deps,
      operation({
        plan: () => ({
          entry: { type: "visit", points: 5, inputs: {}, rule: VISIT },
          items: [{ name: "claim", item: { Put: { TableName: "t", Item: { pk: "x", sk: "y" } } } }],
          result: (entry) => ({ balanceAfter: entry.balanceAfter }),
        }),
        onConditionFailed: (name) => (name === "claim" ? conflict("decided meanwhile") : undefined),
      }),
    ).catch((e: unknown) => e);
    expect((error as DomainError).message).toBe("decided meanwhile");
    expect(transactions()).toHaveLength(1);
  });

  it("plans again when the lots it read are newer than the customer (a write committed in between)", async () => {
    givenCustomerAndNoKey();
    const lot = (rev: number, points: number) => ({ pk: "x", sk: "LOTS#never", rev, points });
    // First read: the lots of a write the customer read did not see yet (rev 3 > seq 2); then as they were.
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [lot(3, 4)] })
      .resolves({ Items: [lot(2, 10)] });
    mock.on(TransactWriteCommand).resolves({});
    const written = await ledgerWrite(
      deps,
      operation({
        plan: () => ({
          entry: { type: "manual", points: -6, inputs: {}, reason: "correction" },
          result: (entry) => ({ balanceAfter: entry.balanceAfter }),
        }),
      }),
    );
    expect(written.result).toEqual({ balanceAfter: 4 });
    expect(transactions()).toHaveLength(1);
    expect(sleeps).toHaveLength(1);
  });

  it("charges a debit to spent and deletes the soonest lots it covers in full, on condition they are as read", async () => {
    givenCustomerAndNoKey();
    const lot = (key: string, points: number, rev: number) => ({ pk: "x", sk: `LOTS#${key}`, rev, points });
    mock
      .on(QueryCommand)
      .resolves({ Items: [lot("2026-04-01", 4, 1), lot("2026-05-01", 3, 2), lot("never", 3, 2)] });
    mock.on(TransactWriteCommand).resolves({});
    await ledgerWrite(
      deps,
      operation({
        plan: () => ({
          entry: { type: "manual", points: -6, inputs: {}, reason: "correction" },
          result: (entry) => ({ balanceAfter: entry.balanceAfter }),
        }),
      }),
    );
    const items = transactions()[0]?.args[0].input.TransactItems ?? [];
    // Key, entry, profile (balance 4, spent 6 − the 4 of the lot that leaves), and that lot's deletion only.
    expect(items).toHaveLength(4);
    expect(items[2]?.Update?.ExpressionAttributeValues).toMatchObject({ ":balance": 4 });
    expect(Object.values(items[2]?.Update?.ExpressionAttributeValues ?? {})).toContain(2);
    expect(items[3]?.Delete).toMatchObject({
      Key: { sk: "LOTS#2026-04-01" },
      ConditionExpression: "#rev = :rev",
      ExpressionAttributeValues: { ":rev": 1 },
    });
  });

  it("stops a write whose lots and spent would not move by the entry's points", async () => {
    givenCustomerAndNoKey();
    const error = await ledgerWrite(
      deps,
      operation({
        plan: () => ({
          entry: {
            type: "expiry",
            points: -3,
            inputs: expiryInputs({
              policy: "dated",
              expiredOn: "2026-03-01",
              expired: [{ points: 3, expiresAt: "2026-02-28T10:00:00.000Z" }],
            }),
          },
          expiring: {
            lots: [{ key: "2026-02-28", points: 5, expiresAt: "2026-02-28T10:00:00.000Z", rev: 1 }],
            before: 0,
          },
          result: (entry) => ({ balanceAfter: entry.balanceAfter }),
        }),
      }),
    ).catch((e: unknown) => e);
    expect(String(error)).toMatch(/moved by -5 .* for an entry of -3 points/);
    expect(transactions()).toHaveLength(0);
  });

  it("refuses a debit the balance does not cover, before reading lots or writing", async () => {
    givenCustomerAndNoKey();
    const error = await ledgerWrite(
      deps,
      operation({
        plan: () => ({
          entry: { type: "manual", points: -11, inputs: {}, reason: "correction" },
          result: (entry) => ({ balanceAfter: entry.balanceAfter }),
        }),
      }),
    ).catch((e: unknown) => e);
    expect((error as DomainError).kind).toBe("conflict");
    expect(transactions()).toHaveLength(0);
  });
});
