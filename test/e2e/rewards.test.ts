import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectFieldProblem,
  type LoyaltyStack,
  PARIS,
  startLoyaltyStack,
} from "../support/rewards-fixtures.ts";
import type { TestStack } from "../support/test-stack.ts";

let loyalty: LoyaltyStack;
let stack: TestStack;
let alice: string;
let bob: string;
let mallory: string;

beforeAll(async () => {
  // This deployment has no external coupon issuer.
  loyalty = await startLoyaltyStack({ issuer: false });
  ({ stack, alice, bob, mallory } = loyalty);
});
afterAll(() => loyalty?.close());

const create = (body: unknown, token = alice, key: string | null = randomUUID()) =>
  stack.call("POST", "/v1/rewards", { token, body, headers: key === null ? {} : { "idempotency-key": key } });

const list = async (query = "", token = alice) => {
  const response = await stack.call("GET", `/v1/rewards${query}`, { token });
  expect(response.status).toBe(200);
  return response.body.rewards as { id: string; name: string; status: string }[];
};

const valid = (extra: Record<string, unknown> = {}) => ({
  programId: PARIS.programId,
  name: "5 EUR voucher",
  points: 200,
  discount: { kind: "fixed_amount", amount: "5", currency: "EUR" },
  ...extra,
});

const fixed = (amount: string, currency = "EUR") =>
  valid({ discount: { kind: "fixed_amount", amount, currency } });

describe("the rewards catalogue", () => {
  it("creates each kind of reward, with the fixed amount brought to the currency's decimals", async () => {
    const fixed = await create(valid());
    expect(fixed.status).toBe(201);
    expect(fixed.body.reward).toMatchObject({
      id: expect.stringMatching(/^rwd_/),
      programId: PARIS.programId,
      name: "5 EUR voucher",
      points: 200,
      discount: { kind: "fixed_amount", amount: "5.00", currency: "EUR" },
      description: "5.00 EUR off",
      issuer: "internal",
      status: "active",
      archivedAt: null,
    });
    const percent = await create(valid({ name: "10%", discount: { kind: "percentage", percent: 10 } }));
    expect(percent.body.reward.description).toBe("10% off");
    const free = await create(
      valid({ name: "Tea", discount: { kind: "free_product", product: "Green tea" } }),
    );
    expect(free.body.reward.description).toBe("free Green tea");
    const ids = (await list()).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([fixed, percent, free].map((r) => r.body.reward.id)));
    expect(await list("?programId=prog_lyon-01")).toEqual([]);
  });

  it("replays a create with the same Idempotency-Key", async () => {
    const key = randomUUID();
    const first = await create(valid({ name: "Once" }), alice, key);
    const again = await create(valid({ name: "Once" }), alice, key);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect((await list()).filter((r) => r.name === "Once")).toHaveLength(1);
  });

  it("replays a create whose checks no longer pass, the maximum purchase lowered since: the key is read first", async () => {
    const settings = (maxPurchaseAmount: string) =>
      stack.call("PATCH", "/v1/settings", { token: alice, body: { maxPurchaseAmount } });
    const key = randomUUID();
    const body = fixed("40", "EUR");
    const first = await create(body, alice, key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    try {
      expect((await settings("20.00")).status).toBe(200);
      const again = await create(body, alice, key);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body).toEqual(first.body);
      // A new request is checked against the settings as they are now.
      expectFieldProblem(await create(body), "discount.amount");
    } finally {
      await settings("10000.00");
    }
  });

  it("changes a reward's name, cost and discount", async () => {
    const { id } = (await create(valid({ name: "Old" }))).body.reward;
    const changed = await stack.call("PATCH", `/v1/rewards/${id}`, {
      token: alice,
      body: { name: "New", points: 150, discount: { kind: "percentage", percent: 15 } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.reward).toMatchObject({ id, name: "New", points: 150, discount: { percent: 15 } });
    expect((await list()).find((r) => r.id === id)).toMatchObject({ name: "New" });
  });

  it("archives on delete: gone from the catalogue, kept for history, deleting again changes nothing", async () => {
    const { id } = (await create(valid({ name: "Seasonal" }))).body.reward;
    const deleted = await stack.call("DELETE", `/v1/rewards/${id}`, { token: alice });
    expect(deleted.status).toBe(200);
    expect(deleted.body.reward).toMatchObject({ id, status: "archived", archivedAt: expect.any(String) });
    expect((await list()).map((r) => r.id)).not.toContain(id);
    expect((await list("?status=archived")).map((r) => r.id)).toContain(id);
    expect((await list("?status=all")).map((r) => r.id)).toContain(id);
    const again = await stack.call("DELETE", `/v1/rewards/${id}`, { token: alice });
    expect(again.body.reward.archivedAt).toBe(deleted.body.reward.archivedAt);
    const patch = await stack.call("PATCH", `/v1/rewards/${id}`, { token: alice, body: { name: "Back" } });
    expect(patch.status).toBe(409);
    expect(patch.body.archivedAt).toBe(deleted.body.reward.archivedAt);
  });

  it("answers an unknown reward with a 404", async () => {
    expect(
      (await stack.call("PATCH", "/v1/rewards/rwd_nosuch", { token: alice, body: { name: "x" } })).status,
    ).toBe(404);
    expect((await stack.call("DELETE", "/v1/rewards/rwd_nosuch", { token: alice })).status).toBe(404);
  });
});

describe("who may manage rewards", () => {
  it("lets staff read the catalogue but not change it (403)", async () => {
    const { id } = (await create(valid({ name: "Staff-proof" }))).body.reward;
    expect((await list("", bob)).map((r) => r.id)).toContain(id);
    expect((await create(valid({ name: "By Bob" }), bob)).status).toBe(403);
    expect((await stack.call("PATCH", `/v1/rewards/${id}`, { token: bob, body: { points: 1 } })).status).toBe(
      403,
    );
    expect((await stack.call("DELETE", `/v1/rewards/${id}`, { token: bob })).status).toBe(403);
    expect((await list()).find((r) => r.id === id)).toMatchObject({ status: "active", name: "Staff-proof" });
  });

  it("shows another merchant none of these rewards, and lets it change none (404)", async () => {
    const { id } = (await create(valid({ name: "Ours" }))).body.reward;
    expect(await list("?status=all", mallory)).toEqual([]);
    expect(
      (await stack.call("PATCH", `/v1/rewards/${id}`, { token: mallory, body: { points: 1 } })).status,
    ).toBe(404);
    expect((await stack.call("DELETE", `/v1/rewards/${id}`, { token: mallory })).status).toBe(404);
    expect((await list()).find((r) => r.id === id)).toMatchObject({ status: "active", name: "Ours" });
  });
});

describe("refused rewards", () => {
  it.each([
    ["no name", valid({ name: undefined }), "name"],
    ["a blank name", valid({ name: "  " }), "name"],
    ["zero points", valid({ points: 0 }), "points"],
    ["fractional points", valid({ points: 1.5 }), "points"],
    ["points as a string", valid({ points: "100" }), "points"],
    ["an unknown kind", valid({ discount: { kind: "cashback" } }), "discount.kind"],
    ["an amount that is not a decimal", fixed("five"), "discount.amount"],
    ["a zero amount", fixed("0.00"), "discount.amount"],
    ["too many decimals", fixed("1.005"), "discount.amount"],
    ["an unknown currency", fixed("5", "XYZ"), "discount.currency"],
    ["a percent of 0", valid({ discount: { kind: "percentage", percent: 0 } }), "discount.percent"],
    ["a percent over 100", valid({ discount: { kind: "percentage", percent: 101 } }), "discount.percent"],
    ["no product", valid({ discount: { kind: "free_product", product: "" } }), "discount.product"],
    [
      "a field of another kind",
      valid({ discount: { kind: "percentage", percent: 5, product: "x" } }),
      "discount.product",
    ],
    ["an unknown program", valid({ programId: "prog_nosuch" }), "programId"],
    ["an unknown issuer", valid({ issuer: "shopify" }), "issuer"],
    ["the external issuer where none is configured", valid({ issuer: "external" }), "issuer"],
    ["an unknown field", valid({ colour: "red" }), "colour"],
  ])("answers %s with a 400 naming the field, writing nothing", async (_name, body, field) => {
    const before = await list("?status=all");
    expectFieldProblem(await create(body), field);
    expect(await list("?status=all")).toEqual(before);
  });

  it("requires an Idempotency-Key to create, and something to change to update", async () => {
    const before = await list("?status=all");
    expectFieldProblem(await create(valid(), alice, null), "header.Idempotency-Key");
    const { id } = before[0] ?? (await create(valid())).body.reward;
    const after = await list("?status=all");
    for (const [body, field] of [
      [{}, "body"],
      [{ programId: "prog_lyon-01" }, "programId"],
      [{ points: -1 }, "points"],
    ] as const) {
      expectFieldProblem(await stack.call("PATCH", `/v1/rewards/${id}`, { token: alice, body }), field);
    }
    expect(await list("?status=all")).toEqual(after);
    expectFieldProblem(await stack.call("GET", "/v1/rewards?status=gone", { token: alice }), "query.status");
    expectFieldProblem(await stack.call("GET", "/v1/rewards?sort=name", { token: alice }), "query.sort");
  });
});
