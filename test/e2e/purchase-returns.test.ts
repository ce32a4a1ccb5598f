import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectFieldProblem,
  type LoyaltyApi,
  type LoyaltyStack,
  startLoyaltyStack,
} from "../support/rewards-fixtures.ts";
import type { TestStack } from "../support/test-stack.ts";

let loyalty: LoyaltyStack;
let stack: TestStack;
let api: LoyaltyApi;
let alice: string;
let bob: string;
let mallory: string;

beforeAll(async () => {
  loyalty = await startLoyaltyStack({ issuer: false });
  ({ stack, api, alice, bob, mallory } = loyalty);
});
afterAll(() => loyalty?.close());

/** A customer whose only entry is a purchase of `amount` EUR at Paris (1 point per 1.00 EUR, rounded down). */
async function purchaseOf(amount: string) {
  const { customerId } = await api.customerWith(0);
  const earned = await api.purchase(customerId, amount);
  return {
    customerId,
    purchaseId: earned.body.transaction.id as string,
    points: earned.body.transaction.points,
  };
}

describe("a purchase return", () => {
  it("takes back all the points of a whole return, as a reversal entry referencing the purchase", async () => {
    const { customerId, purchaseId } = await purchaseOf("23.40");
    const response = await api.reverse(purchaseId);
    expect(response.status).toBe(201);
    expect(response.body.reversal).toMatchObject({
      type: "reversal",
      points: -23,
      balanceAfter: 0,
      purchaseId,
      amount: "23.40",
      currency: "EUR",
      shortfall: 0,
      returnedTotal: "23.40",
      remaining: "0.00",
      refs: { entryId: purchaseId },
      explanation: "Return of the whole 23.40 EUR purchase → all 23 points taken back",
    });
    const again = await api.reverse(purchaseId);
    expect(again.status).toBe(409);
    expect(again.body.returned).toBe("23.40");
    expect(await api.snapshot(customerId)).toEqual({ balance: 0, entries: 2 });
  });

  it("takes back points in proportion to partial returns, with the purchase's rounding, never more in all", async () => {
    const { customerId, purchaseId } = await purchaseOf("23.40");
    const first = await api.reverse(purchaseId, { amount: "11.70" });
    expect(first.body.reversal).toMatchObject({ points: -11, returnedTotal: "11.70", remaining: "11.70" });
    expect(first.body.reversal.explanation).toBe(
      "Return of 11.70 EUR of a 23.40 EUR purchase: 23 points × 11.70 ÷ 23.40 = 11.5, rounded down → 11 points",
    );
    const second = await api.reverse(purchaseId, { amount: "10.00" });
    // 23 × 21.70 ÷ 23.40 = 21.329… → 21 in all, 11 already taken back.
    expect(second.body.reversal).toMatchObject({ points: -10, returnedTotal: "21.70", remaining: "1.70" });
    expectFieldProblem(await api.reverse(purchaseId, { amount: "1.71" }), "amount");
    const rest = await api.reverse(purchaseId);
    expect(rest.body.reversal).toMatchObject({ points: -2, returnedTotal: "23.40", remaining: "0.00" });
    expect((await api.reverse(purchaseId, { amount: "0.01" })).status).toBe(409);
    const reversals = (await api.entries(customerId)).filter((e) => e.type === "reversal");
    expect(reversals.reduce((sum, e) => sum + e.points, 0)).toBe(-23);
    expect(await api.snapshot(customerId)).toEqual({ balance: 0, entries: 4 });
  });

  it("takes the balance to zero when it no longer covers the return, and records the shortfall", async () => {
    const { customerId, purchaseId } = await purchaseOf("30.00");
    const reward = await api.reward({ name: `Spent ${randomUUID().slice(0, 6)}`, points: 25 });
    await api.redeemed(customerId, reward.id);
    expect(await api.balance(customerId)).toBe(5);
    const response = await api.reverse(purchaseId);
    expect(response.status).toBe(201);
    expect(response.body.reversal).toMatchObject({ points: -5, balanceAfter: 0, shortfall: 25 });
    expect(response.body.reversal.explanation).toMatch(
      /covered 5, 25 could not be taken back \(shortfall\)$/,
    );
    const [latest] = await api.entries(customerId);
    expect(latest).toMatchObject({ type: "reversal", points: -5, shortfall: 25 });
    // The shortfall counts as taken back: the purchase is fully returned, nothing is collected later.
    expect((await api.reverse(purchaseId)).status).toBe(409);
    await api.purchase(customerId, "10.00");
    expect(await api.snapshot(customerId)).toEqual({ balance: 10, entries: 4 });
  });

  it("replays the same Idempotency-Key without taking points twice", async () => {
    const { customerId, purchaseId } = await purchaseOf("40.00");
    const key = randomUUID();
    const first = await api.reverse(purchaseId, { amount: "10.00" }, { key });
    const again = await api.reverse(purchaseId, { amount: "10.00" }, { key });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await api.snapshot(customerId)).toEqual({ balance: 30, entries: 2 });
  });

  it("never takes back more than was earned when returns arrive at the same moment", async () => {
    const { customerId, purchaseId } = await purchaseOf("30.00");
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => api.reverse(purchaseId, { amount: "10.00" })),
    );
    const statuses = responses.map((r) => r.status).sort();
    // Three tens fit in thirty; the fourth finds nothing left.
    expect(statuses).toEqual([201, 201, 201, 409]);
    expect(await api.snapshot(customerId)).toEqual({ balance: 0, entries: 4 });
  });
});

describe("refused returns", () => {
  it.each([
    ["a negative amount", { amount: "-5.00" }, "amount"],
    ["a zero amount", { amount: "0" }, "amount"],
    ["not a number", { amount: "ten" }, "amount"],
    ["a JSON number", { amount: 10 }, "amount"],
    ["too many decimals", { amount: "1.005" }, "amount"],
    ["more than was bought", { amount: "50.01" }, "amount"],
    ["an unknown field", { amount: "1.00", reason: "damaged" }, "reason"],
  ])("answers %s with a 400 naming the field, writing nothing", async (_name, body, field) => {
    const { customerId, purchaseId } = await purchaseOf("50.00");
    expectFieldProblem(await api.reverse(purchaseId, body), field);
    expect(await api.snapshot(customerId)).toEqual({ balance: 50, entries: 1 });
  });

  it("refuses what is not a purchase (400), a missing key (400), staff (403), another merchant (404)", async () => {
    const { customerId, purchaseId } = await purchaseOf("50.00");
    const visit = await stack.call("POST", "/v1/transactions", {
      token: alice,
      headers: { "idempotency-key": randomUUID() },
      body: { customerId, locationId: "lyon-01", type: "visit" },
    });
    expectFieldProblem(await api.reverse(visit.body.transaction.id), "path.transactionId");
    expectFieldProblem(await api.reverse(purchaseId, {}, { key: null }), "header.Idempotency-Key");
    expectFieldProblem(await api.reverse(encodeURIComponent("txn#1")), "path.transactionId");
    expect((await api.reverse(purchaseId, {}, { token: bob })).status).toBe(403);
    expect((await api.reverse(purchaseId, {}, { token: mallory })).status).toBe(404);
    expect((await api.reverse("txn_nosuch")).status).toBe(404);
    expect(await api.snapshot(customerId)).toEqual({ balance: 60, entries: 2 });
  });
});
