import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { resolvePrincipal } from "../../shared/auth/principal.ts";
import { containerDirectory, DirectoryCache } from "../../shared/merchants/directory-cache.ts";
import { runtimeDeps } from "../../shared/runtime.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { countRounds, recordCommands } from "../support/read-rounds.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

const camille = DEMO.customers.camille;
let stack: TestStack;
let alice: string;
let recorder: ReturnType<typeof recordCommands>;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await stack.token("alice");
  // The handlers' own client: every DynamoDB call the HTTP earn makes, the staff read included.
  recorder = recordCommands(runtimeDeps().db);
});
afterAll(() => stack?.close());

const paris = DEMO.locations["paris-01"];
const purchase = (target: Record<string, string>) => ({
  ...target,
  locationId: "paris-01",
  type: "purchase",
  amount: "4.00",
  currency: "EUR",
});

async function roundsOf(body: unknown, key = randomUUID()) {
  const calls = await recorder.during(async () => {
    const response = await stack.call("POST", "/v1/transactions", {
      token: alice,
      body,
      headers: { "idempotency-key": key },
    });
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
  });
  const firstWrite = calls.find((call) => call.command.startsWith("TransactWrite"))?.start ?? Infinity;
  // The read calls sent before the transaction, by command: one BatchGetItem a round (get-item.ts).
  const readCalls = calls.filter((call) => call.end < firstWrite).map((call) => call.command);
  return { ...countRounds(calls), readCalls };
}

function forgetParis() {
  containerDirectory.forget(DEMO.merchantId, "location", "paris-01");
  containerDirectory.forget(DEMO.merchantId, "program", paris.programId);
}

describe("the sequential DynamoDB read rounds of an HTTP earn", () => {
  it("are at most 3 before the transaction for a barcode earn, the staff read included", async () => {
    await roundsOf(purchase({ barcode: camille.barcode })); // fills the cache
    const rounds = await roundsOf(purchase({ barcode: camille.barcode }));
    expect(rounds.writes).toEqual(["TransactWriteItemsCommand"]);
    // Staff + merchant; key + barcode claim; customer + lot: six items, one call a round.
    expect(rounds.readRoundsBeforeWrite).toBeLessThanOrEqual(3);
    expect(rounds.readCalls).toEqual(["BatchGetItemCommand", "BatchGetItemCommand", "BatchGetItemCommand"]);
  });

  it("are at most 2 for a customerId earn: the customer and its lot are read alongside the key", async () => {
    await roundsOf(purchase({ customerId: camille.id }));
    const rounds = await roundsOf(purchase({ customerId: camille.id }));
    expect(rounds.writes).toEqual(["TransactWriteItemsCommand"]);
    expect(rounds.readRoundsBeforeWrite).toBeLessThanOrEqual(2);
    // Staff + merchant; the key, the customer and its lot in one call (5 calls before one BatchGet a round).
    expect(rounds.readCalls).toEqual(["BatchGetItemCommand", "BatchGetItemCommand"]);
  });

  it("take one more round for the location and one for its program when the cache is cold", async () => {
    forgetParis();
    const cold = await roundsOf(purchase({ barcode: camille.barcode }));
    expect(cold.readRoundsBeforeWrite).toBeLessThanOrEqual(4);
    forgetParis();
    const coldById = await roundsOf(purchase({ customerId: camille.id }));
    expect(coldById.readRoundsBeforeWrite).toBeLessThanOrEqual(4);
  });

  it("answer a replay from the key's record, writing nothing", async () => {
    const key = randomUUID();
    await roundsOf(purchase({ barcode: camille.barcode }), key);
    const replay = await roundsOf(purchase({ barcode: camille.barcode }), key);
    expect(replay.writes).toEqual([]);
  });
});

describe("a cached program", () => {
  it("applies, and records, the version it holds until the staleness bound, then the new one", async () => {
    const post = (path: string, body: unknown) =>
      stack.call("POST", path, { token: alice, body, headers: { "idempotency-key": randomUUID() } });
    const rule = (points: number) => ({
      kind: "purchase",
      currency: "EUR",
      points,
      per: "1.00",
      rounding: "down",
    });
    const program = (await post("/v1/programs", { name: "Cached", rule: rule(1) })).body.program;
    const location = (await post("/v1/locations", { name: "Cached shop", programId: program.id })).body
      .location;
    let now = Date.now();
    const clock = () => new Date(now);
    // A cache of its own, as another container's would be: this process's writes do not reach it.
    const deps = { db: stack.db, clock, directory: new DirectoryCache({ clock, ttlMs: 30_000 }) };
    const earn = async () =>
      (
        await earnPoints(
          deps,
          await ownerPrincipal(),
          {
            customerId: camille.id,
            locationId: location.id,
            type: "purchase",
            amount: "10.00",
            currency: "EUR",
          },
          randomUUID(),
        )
      ).result.transaction;

    expect(await earn()).toMatchObject({ programVersion: 1, points: 10 });
    const changed = await stack.call("PUT", `/v1/programs/${program.id}`, {
      token: alice,
      body: { name: "Cached", rule: rule(3) },
    });
    expect(changed.body.program.version).toBe(2);
    now += 29_000;
    const stale = await earn();
    expect(stale).toMatchObject({ programVersion: 1, points: 10 });
    expect(stale.explanation).toBe("10.00 EUR × 1 point per 1.00 EUR = 10 → 10 points");
    now += 1_001;
    expect(await earn()).toMatchObject({ programVersion: 2, points: 30 });
  });
});

const ownerPrincipal = () =>
  resolvePrincipal(stack.db, { merchant_id: DEMO.merchantId, staff_id: DEMO.staff.alice.id });
