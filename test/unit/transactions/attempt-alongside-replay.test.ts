import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { conflict } from "../../../shared/errors.ts";
import { idempotencyFrom } from "../../../shared/idempotency.ts";
import { GENESIS_HASH } from "../../../shared/ledger/hash-chain.ts";
import type { Customer } from "../../../shared/model.ts";
import { type LedgerOperation, ledgerWrite } from "../../../shared/pipeline/ledger-write.ts";
import { StaleRead } from "../../../shared/pipeline/write.ts";
import { createDb } from "../../../shared/store/db/client.ts";
import { answerBatchGetsWithGets } from "../../support/batch-get-via-gets.ts";
import { storedAnswer } from "../../support/stored-answer.ts";
import { recordingBackoff } from "../../support/transaction-faults.ts";

// The earn's first attempt (customer and lot reads, the plan) runs alongside the replay check: these prove
// the replay still wins over whatever that attempt found or threw, and that a new request is written once.

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
const { backoff } = recordingBackoff(4);
const deps = { db, clock: () => new Date("2026-03-01T10:00:00Z"), backoff };
const idempotency = idempotencyFrom("key-1", "test", { n: 1 });
const VISIT = { kind: "visit", pointsPerVisit: 5, minMinutesBetweenVisits: 0 } as const;

type Op = LedgerOperation<undefined, { balanceAfter: number }>;
const operation = (plan: Op["plan"]): Op => ({
  name: "test",
  merchantId: "m",
  idempotency,
  loadReadsOnly: true,
  attemptAlongsideReplay: true,
  load: async () => undefined,
  customerId: () => "c",
  plan,
});
const visit: Op["plan"] = () => ({
  entry: { type: "visit", points: 5, inputs: {}, rule: VISIT },
  result: (entry) => ({ balanceAfter: entry.balanceAfter }),
});

/** The key's record answers only once the customer has been read: the attempt ran before the replay answered. */
function given(stored: Record<string, unknown> | undefined) {
  let customerRead: () => void = () => undefined;
  const read = new Promise<void>((resolve) => {
    customerRead = resolve;
  });
  mock.on(GetCommand).callsFake(async (input: { Key: { sk: string } }) => {
    if (input.Key.sk === "#PROFILE") {
      customerRead();
      return { Item: customer };
    }
    if (input.Key.sk === "#IDEMPOTENCY") {
      await read;
      return { Item: stored };
    }
    return { Item: undefined };
  });
}

const replayOf = (result: unknown) => storedAnswer(idempotency, result);

beforeEach(() => answerBatchGetsWithGets(mock.reset()));

describe("the first attempt alongside the replay check", () => {
  it("reads the customer before the key's record has answered, and writes once for a new key", async () => {
    given(undefined);
    mock.on(TransactWriteCommand).resolves({});
    expect(await ledgerWrite(deps, operation(visit))).toEqual({
      result: { balanceAfter: 15 },
      replayed: false,
    });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(mock.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.sk === "#PROFILE")).toHaveLength(
      1,
    );
  });

  it("answers a replay with the stored result, though the attempt planned a write", async () => {
    given(replayOf({ balanceAfter: 99 }));
    expect(await ledgerWrite(deps, operation(visit))).toEqual({
      result: { balanceAfter: 99 },
      replayed: true,
    });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it("answers a replay with the stored result, though the attempt was refused (a visit counted since)", async () => {
    given(replayOf({ balanceAfter: 99 }));
    const refused = operation(() => {
      throw conflict("This customer's visit was already counted recently.");
    });
    expect(await ledgerWrite(deps, refused)).toEqual({ result: { balanceAfter: 99 }, replayed: true });
  });

  it("refuses a new request as the attempt did, and retries one whose reads did not fit together", async () => {
    given(undefined);
    const refused = operation(() => {
      throw conflict("This customer's visit was already counted recently.");
    });
    await expect(ledgerWrite(deps, refused)).rejects.toThrow("already counted");
    mock.on(TransactWriteCommand).resolves({});
    let plans = 0;
    const staleOnce = operation((state) => {
      plans++;
      if (plans === 1) throw new StaleRead("lots newer than the customer");
      return visit(state);
    });
    expect((await ledgerWrite(deps, staleOnce)).replayed).toBe(false);
    expect(plans).toBe(2);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
