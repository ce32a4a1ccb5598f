import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { systemClock } from "../../shared/clock.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

it("20 concurrent earns on one customer: balance is the sum, 20 entries, chain valid", async () => {
  const { customer } = (
    await enrolCustomer({ db: stack.db, clock: systemClock }, DEMO.merchantId, { name: "Busy Customer" })
  ).result;
  const alice = await stack.token("alice");
  const amounts = Array.from({ length: 20 }, (_, i) => `${i + 1}.50`);
  const responses = await Promise.all(
    amounts.map((amount) =>
      stack.call("POST", "/v1/transactions", {
        token: alice,
        headers: { "idempotency-key": randomUUID() },
        body: { customerId: customer.id, locationId: "paris-01", type: "purchase", amount, currency: "EUR" },
      }),
    ),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
  const expected = amounts.reduce((sum, amount) => sum + Math.floor(Number.parseFloat(amount)), 0);
  const profile = await stack.call("GET", `/v1/customers/${customer.id}`, { token: alice });
  expect(profile.body.customer.balance).toBe(expected);
  const ledger = await stack.call("GET", `/v1/customers/${customer.id}/ledger?limit=100`, { token: alice });
  expect(ledger.body.entries).toHaveLength(20);
  expect(new Set(responses.map((r) => r.body.transaction.balanceAfter)).size).toBe(20);
  const verdict = await stack.call("GET", `/v1/customers/${customer.id}/ledger/verify`, { token: alice });
  expect(verdict.body).toEqual({ valid: true, entries: 20, head: expect.any(String) });
  // 20 writers on one chain take turns through bounded retries (CONTENTION_BUDGET_MS is 60 s in the tests):
  // on a loaded 2-core machine that can outlast the default 30 s, which says nothing about correctness.
}, 120_000);

it("20 concurrent replays of one key issue the points once", async () => {
  const { customer } = (
    await enrolCustomer({ db: stack.db, clock: systemClock }, DEMO.merchantId, { name: "Double Scan" })
  ).result;
  const alice = await stack.token("alice");
  const key = randomUUID();
  const body = {
    customerId: customer.id,
    locationId: "paris-01",
    type: "purchase",
    amount: "12.00",
    currency: "EUR",
  };
  const responses = await Promise.all(
    Array.from({ length: 20 }, () =>
      stack.call("POST", "/v1/transactions", { token: alice, headers: { "idempotency-key": key }, body }),
    ),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
  expect(new Set(responses.map((r) => r.body.transaction.id)).size).toBe(1);
  const profile = await stack.call("GET", `/v1/customers/${customer.id}`, { token: alice });
  expect(profile.body.customer.balance).toBe(12);
});
