import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectFieldProblem,
  ISSUER_TIMEOUT_MS,
  type RedemptionStack,
  startRedemptionStack,
} from "../support/rewards-fixtures.ts";

// One stack for the file; every test makes customers of its own.
let t: RedemptionStack;
beforeAll(async () => {
  t = await startRedemptionStack();
});
afterAll(() => t?.close());

/** A customer who spent 100 of their 150 points on `reward`. */
async function redemptionOf(reward: { id: string }) {
  const { customerId } = await t.api.customerWith(150);
  const redemption = await t.api.redeemed(customerId, reward.id);
  expect(await t.api.balance(customerId)).toBe(50);
  return { customerId, redemption };
}

/** The refund's ledger entry, checked against the redemption's own entry. */
async function expectRefundEntry(customerId: string, redemptionId: string) {
  const entries = await t.api.entries(customerId);
  const refunds = entries.filter((e) => e.type === "refund");
  expect(refunds).toHaveLength(1);
  const spent = entries.find((e) => e.type === "redemption" && e.refs?.redemptionId === redemptionId);
  const [refund] = refunds;
  if (!spent || !refund) throw new Error("the redemption or its refund is missing from the ledger");
  expect(refund).toMatchObject({
    points: 100,
    refs: { redemptionId, entryId: spent.id },
    note: expect.stringMatching(/redemption cancelled/i),
    explanation: expect.stringMatching(/cancelled/),
  });
  return refund;
}

describe("refunding an unused coupon", () => {
  it("revokes an internal coupon and returns the points once; a second refund is a 409 with refundedAt", async () => {
    const { customerId, redemption } = await redemptionOf(t.rewards.internal);
    const key = randomUUID();
    const refund = await t.api.refund(redemption.id, { note: "Customer changed their mind" }, { key });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    expect(refund.body).toMatchObject({
      outcome: "revoked_and_refunded",
      message: expect.stringMatching(/revoked/),
      redemption: { id: redemption.id, status: "revoked", refundedAt: expect.any(String) },
      entry: { type: "refund", points: 100, balanceAfter: 150 },
    });
    expect(await t.api.balance(customerId)).toBe(150);
    const entry = await expectRefundEntry(customerId, redemption.id);
    expect(entry.note).toContain("Customer changed their mind");
    // The merchant's activity log lists it under "refunded", with the note that the redemption was cancelled.
    const activity = await t.stack.call("GET", "/v1/activity?type=refunded&limit=100", { token: t.alice });
    expect(activity.body.rows).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: entry.id, type: "refund", note: entry.note })]),
    );

    const replay = await t.api.refund(redemption.id, { note: "Customer changed their mind" }, { key });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(refund.body);

    const again = await t.api.refund(redemption.id);
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toBe("application/problem+json");
    expect(again.body.refundedAt).toBe(refund.body.redemption.refundedAt);
    expect((await t.api.use(redemption.id)).status).toBe(409);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });

  it("revokes an external coupon at the issuer", async () => {
    const { customerId, redemption } = await redemptionOf(t.rewards.external);
    expect(t.issuer.coupons.get(redemption.code)?.status).toBe("active");
    const refund = await t.api.refund(redemption.id);
    expect(refund.body.outcome).toBe("revoked_and_refunded");
    expect(t.issuer.coupons.get(redemption.code)?.status).toBe("revoked");
    expect(t.issuer.calls).toContain(`DELETE /codes/${redemption.code}`);
    await expectRefundEntry(customerId, redemption.id);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });
});

describe("refunding a coupon whose reward was deleted", () => {
  it.each([
    ["internal", () => t.rewards.internal],
    ["external", () => t.rewards.external],
  ])(
    "%s: 409 without force; with force the points come back and the coupon is left as it is",
    async (_kind, base) => {
      const source = base();
      const reward = await t.api.reward({
        name: `Soon gone ${randomUUID().slice(0, 6)}`,
        points: 100,
        ...(source === t.rewards.external
          ? { discount: { kind: "percentage", percent: 10 }, issuer: "external" }
          : { discount: { kind: "percentage", percent: 10 } }),
      });
      const { customerId, redemption } = await redemptionOf(reward);
      expect((await t.stack.call("DELETE", `/v1/rewards/${reward.id}`, { token: t.alice })).status).toBe(200);
      const before = await t.api.snapshot(customerId);

      const refused = await t.api.refund(redemption.id);
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toMatch(/deleted.*cannot be revoked/);
      expect(refused.body.rewardArchivedAt).toEqual(expect.any(String));
      expect(await t.api.snapshot(customerId)).toEqual(before);

      const forced = await t.api.refund(redemption.id, { force: true });
      expect(forced.status).toBe(200);
      expect(forced.body).toMatchObject({
        outcome: "refunded_not_revoked",
        redemption: { status: "issued", refundedAt: expect.any(String) },
      });
      expect(forced.body.message).toMatch(/could not be revoked/);
      if (source === t.rewards.external) {
        expect(t.issuer.coupons.get(redemption.code)?.status).toBe("active");
        expect(t.issuer.calls).not.toContain(`DELETE /codes/${redemption.code}`);
      }
      await expectRefundEntry(customerId, redemption.id);
      expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
    },
  );
});

describe("when revoking fails", () => {
  it("refunds nothing on a timeout (503) or an error (502), then succeeds exactly once on retry", async () => {
    const { customerId, redemption } = await redemptionOf(t.rewards.external);
    const before = await t.api.snapshot(customerId);
    const key = randomUUID();

    t.issuer.fail("DELETE", "timeout");
    const started = Date.now();
    const timedOut = await t.api.refund(redemption.id, {}, { key });
    expect(Date.now() - started).toBeLessThan(ISSUER_TIMEOUT_MS * 5);
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers.get("retry-after")).toBeTruthy();
    expect(timedOut.headers.get("content-type")).toBe("application/problem+json");
    expect(await t.api.snapshot(customerId)).toEqual(before);

    t.issuer.fail("DELETE", "error");
    const failed = await t.api.refund(redemption.id, {}, { key });
    expect(failed.status).toBe(502);
    expect(failed.body.type).toMatch(/bad-gateway$/);
    expect(await t.api.snapshot(customerId)).toEqual(before);
    const unrefunded = await t.stack.call("GET", `/v1/redemptions/${redemption.id}`, { token: t.alice });
    expect(unrefunded.body.redemption).toMatchObject({ status: "issued", refundedAt: null });

    const retried = await t.api.refund(redemption.id, {}, { key });
    expect(retried.status).toBe(200);
    expect(retried.body.outcome).toBe("revoked_and_refunded");
    expect(t.issuer.coupons.get(redemption.code)?.status).toBe("revoked");
    const replay = await t.api.refund(redemption.id, {}, { key });
    expect(replay.body).toEqual(retried.body);
    expect((await t.api.refund(redemption.id)).status).toBe(409);
    await expectRefundEntry(customerId, redemption.id);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });

  it("counts a revoke whose answer was lost as done: the retry finds the code gone and refunds once", async () => {
    const { customerId, redemption } = await redemptionOf(t.rewards.external);
    t.issuer.fail("DELETE", "apply-then-timeout");
    const key = randomUUID();
    expect((await t.api.refund(redemption.id, {}, { key })).status).toBe(503);
    expect(t.issuer.coupons.get(redemption.code)?.status).toBe("revoked");
    expect(await t.api.balance(customerId)).toBe(50);

    const retried = await t.api.refund(redemption.id, {}, { key });
    expect(retried.status).toBe(200);
    expect(retried.body.outcome).toBe("revoked_and_refunded");
    await expectRefundEntry(customerId, redemption.id);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });

  it("refunds nothing when the issuer cannot say what became of the coupon (502)", async () => {
    const { customerId, redemption } = await redemptionOf(t.rewards.external);
    const before = await t.api.snapshot(customerId);
    t.issuer.fail("GET", "error");
    expect((await t.api.refund(redemption.id)).status).toBe(502);
    expect(await t.api.snapshot(customerId)).toEqual(before);
    expect(t.issuer.coupons.get(redemption.code)?.status).toBe("active");
  });
});

describe("refunding a used coupon", () => {
  it("is a 409 saying the discount was given; with force the points come back and the discount is not undone", async () => {
    const { customerId, redemption } = await redemptionOf(t.rewards.internal);
    expect((await t.api.use(redemption.id)).status).toBe(200);
    const before = await t.api.snapshot(customerId);

    const refused = await t.api.refund(redemption.id);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/already used.*discount/);
    expect(refused.body.usedAt).toEqual(expect.any(String));
    expect(await t.api.snapshot(customerId)).toEqual(before);

    const forced = await t.api.refund(redemption.id, { force: true });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ outcome: "refunded_after_use", redemption: { status: "used" } });
    expect(forced.body.message).toMatch(/not undone/);
    await expectRefundEntry(customerId, redemption.id);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });

  it("asks the external issuer: a code used at the shop is a used coupon, and is not revoked", async () => {
    const { customerId, redemption } = await redemptionOf(t.rewards.external);
    const coupon = t.issuer.coupons.get(redemption.code);
    if (!coupon) throw new Error("the issuer has no such coupon");
    coupon.status = "used";
    expect((await t.api.refund(redemption.id)).status).toBe(409);
    const forced = await t.api.refund(redemption.id, { force: true });
    expect(forced.body).toMatchObject({ outcome: "refunded_after_use", redemption: { status: "used" } });
    expect(t.issuer.calls).not.toContain(`DELETE /codes/${redemption.code}`);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });
});

describe("refunding an untracked coupon", () => {
  it("returns the points and says usage cannot be known, without asking the issuer", async () => {
    t.issuer.untracked = true;
    let created: Awaited<ReturnType<typeof redemptionOf>>;
    try {
      created = await redemptionOf(t.rewards.external);
    } finally {
      t.issuer.untracked = false;
    }
    const { customerId, redemption } = created;
    expect(redemption.tracking).toBe("untracked");
    const calls = t.issuer.calls.length;
    const refund = await t.api.refund(redemption.id);
    expect(refund.status).toBe(200);
    expect(refund.body.outcome).toBe("refunded_usage_unknown");
    expect(refund.body.message).toMatch(/cannot be known/);
    expect(t.issuer.calls.slice(calls).filter((call) => call.includes(redemption.code))).toEqual([]);
    await expectRefundEntry(customerId, redemption.id);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });
});

describe("refunds sent at the same moment", () => {
  it.each([
    ["internal", () => t.rewards.internal],
    ["external", () => t.rewards.external],
  ])("%s: five at once give the points back exactly once", async (_kind, reward) => {
    const { customerId, redemption } = await redemptionOf(reward());
    const responses = await Promise.all(Array.from({ length: 5 }, () => t.api.refund(redemption.id)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409]);
    const winner = responses.find((r) => r.status === 200);
    for (const loser of responses.filter((r) => r.status === 409)) {
      expect(loser.body.refundedAt).toBe(winner?.body.redemption.refundedAt);
    }
    await expectRefundEntry(customerId, redemption.id);
    expect(await t.api.snapshot(customerId)).toEqual({ balance: 150, entries: 3 });
  });
});

describe("who may refund", () => {
  it("refuses staff without redemptions:refund (403) and another merchant (404), writing nothing", async () => {
    const { customerId, redemption } = await redemptionOf(t.rewards.internal);
    const before = await t.api.snapshot(customerId);
    expect((await t.api.refund(redemption.id, {}, { token: t.bob })).status).toBe(403);
    expect((await t.api.refund(redemption.id, {}, { token: t.mallory })).status).toBe(404);
    expect((await t.stack.call("GET", `/v1/redemptions/${redemption.id}`, { token: t.mallory })).status).toBe(
      404,
    );
    expect((await t.api.use(redemption.id, { token: t.mallory })).status).toBe(404);
    expect(await t.api.snapshot(customerId)).toEqual(before);
    const unchanged = await t.stack.call("GET", `/v1/redemptions/${redemption.id}`, { token: t.alice });
    expect(unchanged.body.redemption).toMatchObject({ status: "issued", refundedAt: null });
  });

  it.each([
    ["force not a boolean", { force: "yes" }, "force"],
    ["an empty note", { note: "" }, "note"],
    ["a note too long", { note: "x".repeat(501) }, "note"],
    ["an unknown field", { forced: true }, "forced"],
  ])("answers %s with a 400 naming the field, writing nothing", async (_name, body, field) => {
    const { customerId, redemption } = await redemptionOf(t.rewards.internal);
    const before = await t.api.snapshot(customerId);
    expectFieldProblem(await t.api.refund(redemption.id, body), field);
    expectFieldProblem(await t.api.refund(redemption.id, {}, { key: null }), "header.Idempotency-Key");
    expectFieldProblem(await t.api.refund(encodeURIComponent("bad#id"), {}), "path.redemptionId");
    expect(await t.api.snapshot(customerId)).toEqual(before);
  });

  it("answers an unknown redemption with a 404", async () => {
    expect((await t.api.refund("rdm_nosuch")).status).toBe(404);
  });
});
