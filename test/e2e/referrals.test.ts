import { randomUUID } from "node:crypto";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { startLocalWebhooks } from "../../infra/local/webhooks.ts";
import { payReferrer } from "../../shared/referrals/pay.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { registerDevice } from "../../shared/store/pass-devices.ts";
import { expectLedgerInvariants } from "../support/ledger-invariants.ts";
import {
  expectFieldProblem,
  type LoyaltyApi,
  type LoyaltyStack,
  startLoyaltyStack,
} from "../support/rewards-fixtures.ts";
import type { TestStack } from "../support/test-stack.ts";

/**
 * Issue 20 part 3: referrals through the local API, with the webhooks stream consumer running (it pays the
 * referrer). Every scenario ends with both members' ledgers verified.
 */

let loyalty: LoyaltyStack;
let stack: TestStack;
let api: LoyaltyApi;
let alice: string;
let bob: string;
let mallory: string;
let webhooks: Awaited<ReturnType<typeof startLocalWebhooks>>;

const REFERRALS = {
  referrerPoints: 100,
  refereePoints: 50,
  qualifyWithinDays: 30,
  maxPerReferrerPerMonth: 3,
};
const merchantId = DEMO.merchantId;

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

async function member(email = unique("referrer")) {
  const enrolled = await stack.call("POST", "/v1/customers", {
    token: alice,
    body: { name: "Referrer", email },
    headers: { "idempotency-key": randomUUID() },
  });
  expect(enrolled.status).toBe(201);
  const { id, referralCode } = enrolled.body.customer as { id: string; referralCode: string };
  expect(referralCode).toMatch(/^[A-Z2-9]{10}$/);
  return { id, referralCode, email };
}

const joinWith = (referralCode: string, email = unique("friend")) =>
  stack.call("POST", `/v1/join/${merchantId}`, {
    body: {
      name: "Camille Friend",
      email,
      locale: "en",
      consents: { transactional: false, marketing: false },
      referralCode,
    },
    headers: { "idempotency-key": randomUUID() },
  });

async function friendOf(referralCode: string) {
  const joined = await joinWith(referralCode);
  expect(joined.status, JSON.stringify(joined.body)).toBe(201);
  return joined.body.customer.id as string;
}

type ReferralBody = Record<string, unknown> & { id: string; status: string; reason: string | null };

async function referralsOf(customerId: string, token = alice) {
  const listed = await stack.call("GET", `/v1/customers/${customerId}/referrals`, { token });
  expect(listed.status).toBe(200);
  return listed.body.referrals as ReferralBody[];
}

const cancel = (referralId: string, token = alice, key = randomUUID()) =>
  stack.call("POST", `/v1/referrals/${referralId}/cancel`, {
    token,
    body: {},
    headers: { "idempotency-key": key },
  });

/** Polls until `check` holds: the referrer's side is written by the stream consumer, a moment later. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const rewardsOf = async (customerId: string) =>
  (await api.entries(customerId)).filter((e) => e.type === "referral_reward");

async function verified(...customerIds: string[]) {
  for (const id of customerIds) await expectLedgerInvariants(stack.db, merchantId, id);
}

/** A referral that has paid both: friend joined with the referrer's code and made a first purchase. */
async function rewardedPair() {
  const referrer = await member();
  const friendId = await friendOf(referrer.referralCode);
  const purchase = (await api.purchase(friendId, "20.00")).body.transaction;
  const [referral] = await eventually(
    () => referralsOf(referrer.id),
    (list) => list[0]?.status === "rewarded",
  );
  expect(referral?.status).toBe("rewarded");
  return { referrer, friendId, purchase, referral: referral as ReferralBody };
}

beforeAll(async () => {
  loyalty = await startLoyaltyStack({ issuer: false });
  ({ stack, api, alice, bob, mallory } = loyalty);
  webhooks = await startLocalWebhooks({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: stack.db.table,
    pollIntervalMs: 50,
  });
  const current = (await api.program()).body.program;
  const settings = { name: current.name, rule: current.rule, expiry: current.expiry };
  expectFieldProblem(
    await api.saveProgram({ ...settings, referrals: { ...REFERRALS, qualifyWithinDays: 0 } }),
    "referrals.qualifyWithinDays",
  );
  expect((await api.saveProgram({ ...settings, referrals: REFERRALS }, mallory)).status).toBe(404);
  const saved = await api.saveProgram({ ...settings, referrals: REFERRALS });
  expect(saved.status).toBe(200);
  expect(saved.body.program).toMatchObject({ version: current.version + 1, referrals: REFERRALS });
});
afterAll(async () => {
  await webhooks?.close();
  await loyalty?.close();
});

describe("referrals through the API", () => {
  it("pays the friend with the first purchase and the referrer from the stream, each entry referring to the other's", async () => {
    const { referrer, friendId, purchase, referral } = await rewardedPair();
    const friendRewards = await rewardsOf(friendId);
    expect(friendRewards).toHaveLength(1);
    expect(friendRewards[0]).toMatchObject({
      points: 50,
      refs: { entryId: purchase.id, referralId: referral.id },
    });
    expect(friendRewards[0]?.explanation).toMatch(
      /^Referral: you joined with a friend's code on \d{4}-\d{2}-\d{2}/,
    );
    const referrerRewards = await rewardsOf(referrer.id);
    expect(referrerRewards).toHaveLength(1);
    expect(referrerRewards[0]).toMatchObject({
      points: 100,
      refs: { entryId: friendRewards[0]?.id, referralId: referral.id },
    });
    // Entries hold no personal data: not the friend's name.
    expect(referrerRewards[0]?.explanation).toContain("a friend you referred");
    expect(referrerRewards[0]?.explanation).not.toContain("Camille");
    expect(referral).toMatchObject({
      role: "referrer",
      refereeId: friendId,
      qualifyingEntryId: purchase.id,
      refereeEntryId: friendRewards[0]?.id,
      referrerEntryId: referrerRewards[0]?.id,
    });
    expect(await api.balance(referrer.id)).toBe(100);
    expect(await api.balance(friendId)).toBe(70);

    // Only the first purchase qualifies; the friend's list shows the referral they joined by.
    await api.purchase(friendId, "5.00");
    expect(await rewardsOf(friendId)).toHaveLength(1);
    expect((await referralsOf(friendId))[0]).toMatchObject({ id: referral.id, role: "referee" });

    // A stream record delivered again pays nothing twice.
    await payReferrer({ db: stack.db, clock: () => new Date() }, merchantId, referral.id);
    expect(await rewardsOf(referrer.id)).toHaveLength(1);
    await verified(referrer.id, friendId);

    // The code shows to staff and to the member.
    const shown = await stack.call("GET", `/v1/customers/${referrer.id}`, { token: alice });
    expect(shown.body.customer.referralCode).toBe(referrer.referralCode);
  });

  it("concurrent first purchases of one friend pay each member exactly once", async () => {
    const referrer = await member();
    const friendId = await friendOf(referrer.referralCode);
    await Promise.all(Array.from({ length: 5 }, () => api.purchase(friendId, "10.00")));
    const [referral] = await eventually(
      () => referralsOf(referrer.id),
      (list) => list[0]?.status === "rewarded",
    );
    expect(referral?.status).toBe("rewarded");
    // Give a second payment, were there one, the time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await rewardsOf(friendId)).toHaveLength(1);
    expect(await rewardsOf(referrer.id)).toHaveLength(1);
    expect(await api.balance(friendId)).toBe(5 * 10 + 50);
    expect(await api.balance(referrer.id)).toBe(100);
    await verified(referrer.id, friendId);
  });

  it("cancelled by staff, takes both rewards back, never below zero (the shortfall recorded), once", async () => {
    const { referrer, friendId, referral } = await rewardedPair();
    // The referrer spent most of the reward meanwhile.
    const spent = await stack.call("POST", `/v1/customers/${referrer.id}/points`, {
      token: alice,
      body: { points: -90, reason: "correction" },
      headers: { "idempotency-key": randomUUID() },
    });
    expect(spent.status).toBe(201);

    // Staff (scanner role) may not; another merchant cannot see it.
    expect((await cancel(referral.id, bob)).status).toBe(403);
    expect((await cancel(referral.id, mallory)).status).toBe(404);
    expect(
      (await stack.call("GET", `/v1/customers/${referrer.id}/referrals`, { token: mallory })).status,
    ).toBe(404);
    expect((await referralsOf(referrer.id))[0]?.status).toBe("rewarded");

    const key = randomUUID();
    const cancelled = await cancel(referral.id, alice, key);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.referral).toMatchObject({ status: "cancelled", reason: "cancelled_by_staff" });
    expect(cancelled.body.referral.explanation.fr).toContain("Annulé");
    // The key is kept: its replay is the first answer, and it cannot cancel another referral.
    const replayed = await cancel(referral.id, alice, key);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(cancelled.body);
    const other = await rewardedPair();
    const reused = await cancel(other.referral.id, alice, key);
    expect(reused.status).toBe(422);
    expect(reused.body.type).toMatch(/idempotency-key-reuse/);
    expect((await referralsOf(other.referrer.id))[0]?.status).toBe("rewarded");
    const referrerBack = (await api.entries(referrer.id)).find((e) => e.type === "referral_reversal");
    expect(referrerBack).toMatchObject({ points: -10, shortfall: 90, balanceAfter: 0 });
    expect(referrerBack?.refs).toMatchObject({ entryId: referral.referrerEntryId, referralId: referral.id });
    const friendBack = (await api.entries(friendId)).find((e) => e.type === "referral_reversal");
    expect(friendBack).toMatchObject({ points: -50, balanceAfter: 20 });
    expect(cancelled.body.referral).toMatchObject({
      referrerReversalId: referrerBack?.id,
      refereeReversalId: friendBack?.id,
    });

    // Again: the same answer, nothing taken twice.
    const again = await cancel(referral.id);
    expect(again.status).toBe(200);
    expect((await api.entries(referrer.id)).filter((e) => e.type === "referral_reversal")).toHaveLength(1);
    expect((await api.entries(friendId)).filter((e) => e.type === "referral_reversal")).toHaveLength(1);
    await verified(referrer.id, friendId);
  });

  it("is cancelled when the qualifying purchase is returned", async () => {
    const { referrer, friendId, purchase, referral } = await rewardedPair();
    const returned = await api.reverse(purchase.id);
    expect(returned.status).toBe(201);
    const [after] = await eventually(
      () => referralsOf(referrer.id),
      (list) => !!list[0]?.referrerReversalId && !!list[0]?.refereeReversalId,
    );
    expect(after).toMatchObject({ id: referral.id, status: "cancelled", reason: "purchase_returned" });
    expect(await api.balance(referrer.id)).toBe(0);
    // 20 from the purchase taken back by the return, 50 by the referral's cancellation.
    expect(await api.balance(friendId)).toBe(0);
    await verified(referrer.id, friendId);
  });

  it("refuses an existing member and the referrer's own contact at join, with a reason", async () => {
    const referrer = await member();
    const existing = await member();
    expect((await joinWith(referrer.referralCode, existing.email)).status).toBe(202);
    expect((await joinWith(referrer.referralCode, referrer.email)).status).toBe(202);
    const listed = await referralsOf(referrer.id);
    expect(listed.map((r) => [r.status, r.reason, r.refereeId]).sort()).toEqual(
      [
        ["refused", "existing_member", existing.id],
        ["refused", "self_referral", referrer.id],
      ].sort(),
    );
    expect(listed[0]?.explanation).toMatchObject({ en: expect.stringContaining("Refused") });
    // Refused: nothing to cancel.
    expect((await cancel(listed[0]?.id as string)).status).toBe(409);
    await verified(referrer.id, existing.id);
  });

  it("refuses referrals past the referrer's monthly cap", async () => {
    const referrer = await member();
    const friends = [];
    for (let i = 0; i < REFERRALS.maxPerReferrerPerMonth + 1; i++)
      friends.push(await friendOf(referrer.referralCode));
    const listed = await referralsOf(referrer.id);
    expect(listed.filter((r) => r.status === "pending")).toHaveLength(REFERRALS.maxPerReferrerPerMonth);
    const capped = listed.find((r) => r.status === "refused");
    expect(capped).toMatchObject({ reason: "monthly_cap", refereeId: friends[friends.length - 1] });
    // The capped friend's purchase pays nobody.
    await api.purchase(friends[friends.length - 1] as string, "10.00");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await rewardsOf(friends[friends.length - 1] as string)).toHaveLength(0);
    expect(await rewardsOf(referrer.id)).toHaveLength(0);
  });

  it("refuses at the first purchase past the deadline, and when both passes are on one device", async () => {
    const late = await member();
    const lateFriend = await friendOf(late.referralCode);
    // The friend joined long ago: the deadline on their pending referral has passed.
    await stack.db.client.send(
      new UpdateCommand({
        TableName: stack.db.table,
        Key: { pk: customerPk(merchantId, lateFriend), sk: "#PROFILE" },
        UpdateExpression: "SET #r.#d = :past",
        ExpressionAttributeNames: { "#r": "referral", "#d": "deadline" },
        ExpressionAttributeValues: { ":past": "2020-01-01T00:00:00.000Z" },
      }),
    );
    await api.purchase(lateFriend, "10.00");
    expect((await referralsOf(late.id))[0]).toMatchObject({ status: "refused", reason: "deadline_passed" });

    const shared = await member();
    const sharedFriend = await friendOf(shared.referralCode);
    const [one, two] = await Promise.all([
      readCustomer(stack.db, merchantId, shared.id),
      readCustomer(stack.db, merchantId, sharedFriend),
    ]);
    for (const serialNumber of [one?.passSerial, two?.passSerial]) {
      await registerDevice(
        stack.db,
        {
          deviceLibraryIdentifier: "device-of-one-person",
          passTypeIdentifier: "pass.test.loyalty",
          serialNumber: serialNumber as string,
          pushToken: "token",
        },
        new Date(),
      );
    }
    await api.purchase(sharedFriend, "10.00");
    expect((await referralsOf(shared.id))[0]).toMatchObject({ status: "refused", reason: "same_device" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const id of [lateFriend, late.id, sharedFriend, shared.id])
      expect(await rewardsOf(id)).toHaveLength(0);
    await verified(late.id, lateFriend, shared.id, sharedFriend);
  });

  it("cancels a pending referral: the friend's later purchase pays nobody", async () => {
    const referrer = await member();
    const friendId = await friendOf(referrer.referralCode);
    const [pending] = await referralsOf(referrer.id);
    const cancelled = await cancel(pending?.id as string);
    expect(cancelled.body.referral).toMatchObject({ status: "cancelled", reason: "cancelled_by_staff" });
    await api.purchase(friendId, "10.00");
    expect(await rewardsOf(friendId)).toHaveLength(0);
    expect(await api.balance(friendId)).toBe(10);
  });
});

describe("a referral with tiers", () => {
  it("chains the purchase, the tier change it causes and the friend's reward in one write", async () => {
    const current = (await api.program()).body.program;
    const tiers = {
      window: { kind: "rolling", months: 12 },
      levels: [
        { name: "Bronze", threshold: 0, multiplier: "1" },
        { name: "Silver", threshold: 20, multiplier: "1.5" },
      ],
    };
    const saved = await api.saveProgram({
      name: current.name,
      rule: current.rule,
      expiry: current.expiry,
      referrals: REFERRALS,
      tiers,
    });
    expect(saved.status).toBe(200);
    const referrer = await member();
    const friendId = await friendOf(referrer.referralCode);
    const purchase = (await api.purchase(friendId, "25.00")).body.transaction;
    const [reward, change, bought] = await api.entries(friendId);
    expect(bought?.id).toBe(purchase.id);
    expect(change).toMatchObject({ type: "tier_change", points: 0, refs: { entryId: purchase.id } });
    expect(reward).toMatchObject({ type: "referral_reward", points: 50, balanceAfter: 75 });
    await eventually(
      () => rewardsOf(referrer.id),
      (list) => list.length === 1,
    );
    await verified(referrer.id, friendId);
  });
});
