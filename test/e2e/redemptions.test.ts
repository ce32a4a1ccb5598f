import { randomUUID } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { couponCodeKey } from "../../shared/store/redemptions.ts";
import {
  expectFieldProblem,
  type RedemptionStack,
  startRedemptionStack,
} from "../support/rewards-fixtures.ts";

// One stack for the file; every test makes customers of its own.
let t: RedemptionStack;
beforeAll(async () => {
  t = await startRedemptionStack();
});
afterAll(() => t?.close());

/** Unguessable: 16 characters of the 30-letter code alphabet (about 78 bits). */
const CODE = /^[ABCDEFGHJKMNPQRSTVWXYZ23456789]{16}$/;

describe("redeeming a reward", () => {
  it("takes the points in the same write as the redemption, and issues a unique coupon code", async () => {
    const { customerId } = await t.api.customerWith(250);
    const response = await t.api.redeem(customerId, t.rewards.internal.id);
    expect(response.status).toBe(201);
    const { redemption, entry } = response.body;
    expect(redemption).toMatchObject({
      id: expect.stringMatching(/^rdm_/),
      customerId,
      rewardId: t.rewards.internal.id,
      reward: { name: "Free coffee", discount: { kind: "free_product", product: "Espresso" } },
      points: 100,
      code: expect.stringMatching(CODE),
      status: "issued",
      issuer: "internal",
      tracking: "tracked",
      locationId: "paris-01",
      createdAt: expect.any(String),
      refundedAt: null,
    });
    expect(entry).toMatchObject({
      type: "redemption",
      points: -100,
      balanceAfter: 150,
      refs: { redemptionId: redemption.id },
      explanation: "100 points spent on “Free coffee” (free Espresso)",
    });
    const claim = await t.stack.db.client.send(
      new GetCommand({
        TableName: t.stack.db.table,
        Key: couponCodeKey("demo", redemption.code),
      }),
    );
    expect(claim.Item).toMatchObject({ redemptionId: redemption.id, customerId });
    const read = await t.stack.call("GET", `/v1/redemptions/${redemption.id}`, { token: t.alice });
    expect(read.body.redemption).toEqual(redemption);
    const second = await t.api.redeemed(customerId, t.rewards.internal.id);
    expect(second.code).not.toBe(redemption.code);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 50, entries: 3 });
  });

  it("replays the same Idempotency-Key without taking points twice", async () => {
    const { customerId } = await t.api.customerWith(250);
    const key = randomUUID();
    const first = await t.api.redeem(customerId, t.rewards.external.id, { key });
    const again = await t.api.redeem(customerId, t.rewards.external.id, { key });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 2 });
    const codes = [...t.issuer.coupons.values()].filter((c) => c.reference === first.body.redemption.id);
    expect(codes).toHaveLength(1);
  });

  it("refuses a balance that is too low (409), creating no coupon", async () => {
    const { customerId } = await t.api.customerWith(99);
    const coupons = t.issuer.coupons.size;
    const response = await t.api.redeem(customerId, t.rewards.external.id);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ balance: 99, points: 100 });
    expect(t.issuer.coupons.size).toBe(coupons);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 99, entries: 1 });
  });

  it.each([
    ["internal", () => t.rewards.internal],
    ["external", () => t.rewards.external],
  ])(
    "%s: two at once that together exceed the balance: one 201, one 409, no orphan coupon",
    async (_k, reward) => {
      const { customerId } = await t.api.customerWith(150);
      const known = t.issuer.coupons.size;
      // Both get past the balance check before either takes the points.
      if (reward() === t.rewards.external) t.issuer.fail("POST", "slow", 2);
      const responses = await Promise.all([
        t.api.redeem(customerId, reward().id),
        t.api.redeem(customerId, reward().id),
      ]);
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await t.api.snapshot(customerId)).toEqual({ balance: 50, entries: 2 });
      const winner = responses.find((r) => r.status === 201)?.body.redemption;
      // The loser's coupon, if it got as far as creating one, was revoked again.
      const created = [...t.issuer.coupons.values()].slice(known);
      expect(created).toHaveLength(reward() === t.rewards.external ? 2 : 0);
      const active = created.filter((c) => c.status === "active").map((c) => c.code);
      expect(active).toEqual(reward() === t.rewards.external ? [winner.code] : []);
    },
  );

  it("lets staff redeem at their own location only", async () => {
    const { customerId } = await t.api.customerWith(250);
    expect((await t.api.redeem(customerId, t.rewards.internal.id, { token: t.bob })).status).toBe(201);
    // Lyon has a reward of its own program; Bob may not act there.
    const lyon = await t.api.reward({ programId: "prog_lyon-01", name: "Lyon cake", points: 10 });
    const refused = await t.api.redeem(customerId, lyon.id, { token: t.bob, locationId: "lyon-01" });
    expect(refused.status).toBe(403);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 2 });
  });

  it("keeps the redemption's history when its reward is changed or deleted", async () => {
    const reward = await t.api.reward({ name: "Croissant", points: 20 });
    const { customerId } = await t.api.customerWith(50);
    const redemption = await t.api.redeemed(customerId, reward.id);
    await t.stack.call("PATCH", `/v1/rewards/${reward.id}`, {
      token: t.alice,
      body: { name: "Pain", points: 40 },
    });
    await t.stack.call("DELETE", `/v1/rewards/${reward.id}`, { token: t.alice });
    const read = await t.stack.call("GET", `/v1/redemptions/${redemption.id}`, { token: t.alice });
    expect(read.body.redemption).toMatchObject({
      rewardId: reward.id,
      points: 20,
      reward: { name: "Croissant" },
    });
    const again = await t.api.redeem(customerId, reward.id);
    expectFieldProblem(again, "rewardId");
  });
});

describe("when the external issuer fails to create the coupon", () => {
  it.each([
    ["times out", "timeout", 503],
    ["answers an error", "error", 502],
  ] as const)(
    "%s: nothing is written, and the code is withdrawn at the issuer",
    async (_name, fault, status) => {
      const { customerId } = await t.api.customerWith(150);
      const before = await t.api.snapshot(customerId);
      const deletes = t.issuer.calls.filter((call) => call.startsWith("DELETE")).length;
      t.issuer.fail("POST", fault);
      const response = await t.api.redeem(customerId, t.rewards.external.id);
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await t.api.snapshot(customerId)).toEqual(before);
      expect(t.issuer.calls.filter((call) => call.startsWith("DELETE")).length).toBe(deletes + 1);
    },
  );
});

describe("using a coupon", () => {
  it("marks it used once; a second use is a 409 saying when", async () => {
    const { customerId } = await t.api.customerWith(100);
    const redemption = await t.api.redeemed(customerId, t.rewards.internal.id);
    const used = await t.api.use(redemption.id, { token: t.bob });
    expect(used.status).toBe(200);
    expect(used.body.redemption).toMatchObject({
      status: "used",
      usedAt: expect.any(String),
      usedLocationId: "paris-01",
    });
    const twice = await t.api.use(redemption.id);
    expect(twice.status).toBe(409);
    expect(twice.body.usedAt).toBe(used.body.redemption.usedAt);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 0, entries: 2 });
  });

  it("refuses a location the staff member may not use (403), an unknown one (400), an unknown coupon (404)", async () => {
    const { customerId } = await t.api.customerWith(100);
    const redemption = await t.api.redeemed(customerId, t.rewards.internal.id);
    expect((await t.api.use(redemption.id, { token: t.bob, locationId: "lyon-01" })).status).toBe(403);
    expectFieldProblem(await t.api.use(redemption.id, { locationId: "nowhere" }), "locationId");
    expectFieldProblem(
      await t.stack.call("POST", `/v1/redemptions/${redemption.id}/use`, { token: t.alice, body: {} }),
      "locationId",
    );
    expect((await t.api.use("rdm_nosuch")).status).toBe(404);
    const read = await t.stack.call("GET", `/v1/redemptions/${redemption.id}`, { token: t.alice });
    expect(read.body.redemption.status).toBe("issued");
  });
});

describe("refused redemptions", () => {
  let customerId: string;
  let archived: { id: string };
  beforeAll(async () => {
    ({ customerId } = await t.api.customerWith(500));
    archived = await t.api.reward({ name: "Gone", points: 10 });
    await t.stack.call("DELETE", `/v1/rewards/${archived.id}`, { token: t.alice });
  });

  it.each([
    ["no customerId", () => ({ rewardId: t.rewards.internal.id, locationId: "paris-01" }), "customerId"],
    ["no rewardId", () => ({ customerId, locationId: "paris-01" }), "rewardId"],
    ["no locationId", () => ({ customerId, rewardId: t.rewards.internal.id }), "locationId"],
    ["an unknown reward", () => ({ customerId, rewardId: "rwd_nosuch", locationId: "paris-01" }), "rewardId"],
    ["a deleted reward", () => ({ customerId, rewardId: archived.id, locationId: "paris-01" }), "rewardId"],
    [
      "another program's reward",
      () => ({ customerId, rewardId: t.rewards.internal.id, locationId: "lyon-01" }),
      "rewardId",
    ],
    [
      "an unknown location",
      () => ({ customerId, rewardId: t.rewards.internal.id, locationId: "nowhere" }),
      "locationId",
    ],
    [
      "an id with a #",
      () => ({ customerId: "a#b", rewardId: t.rewards.internal.id, locationId: "paris-01" }),
      "customerId",
    ],
    [
      "an unknown field",
      () => ({ customerId, rewardId: t.rewards.internal.id, locationId: "paris-01", qty: 2 }),
      "qty",
    ],
  ])("answers %s with a 400 naming the field, writing nothing", async (_name, body, field) => {
    const before = await t.api.snapshot(customerId);
    const coupons = t.issuer.coupons.size;
    expectFieldProblem(
      await t.stack.call("POST", "/v1/redemptions", {
        token: t.alice,
        body: body(),
        headers: { "idempotency-key": randomUUID() },
      }),
      field,
    );
    expect(await t.api.snapshot(customerId)).toEqual(before);
    expect(t.issuer.coupons.size).toBe(coupons);
  });

  it("requires an Idempotency-Key, and answers an unknown customer with a 404", async () => {
    expectFieldProblem(
      await t.api.redeem(customerId, t.rewards.internal.id, { key: null }),
      "header.Idempotency-Key",
    );
    expect((await t.api.redeem("cus_nosuch", t.rewards.internal.id)).status).toBe(404);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 500, entries: 1 });
  });

  it("gives another merchant nothing: no redemption, no view, no use (404s and 400s)", async () => {
    const redemption = await t.api.redeemed(customerId, t.rewards.internal.id);
    const before = await t.api.snapshot(customerId);
    expect((await t.stack.call("GET", `/v1/redemptions/${redemption.id}`, { token: t.mallory })).status).toBe(
      404,
    );
    expect((await t.api.use(redemption.id, { token: t.mallory })).status).toBe(404);
    expect((await t.api.refund(redemption.id, {}, { token: t.mallory })).status).toBe(404);
    const theirs = await t.api.redeem(customerId, t.rewards.internal.id, { token: t.mallory });
    expect(theirs.status).toBe(400);
    expect(await t.api.snapshot(customerId)).toEqual(before);
    const read = await t.stack.call("GET", `/v1/redemptions/${redemption.id}`, { token: t.alice });
    expect(read.body.redemption.status).toBe("issued");
  });
});
