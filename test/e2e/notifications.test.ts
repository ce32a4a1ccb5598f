import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SentMail } from "../../infra/local/mail-sink.ts";
import { DEMO } from "../../infra/local/seed.ts";
import { LOCAL_GOOGLE_ISSUER_ID, LOCAL_PASS_TYPE_ID } from "../../infra/local/wallet.ts";
import { googleIds } from "../../passes/member-pass.ts";
import { systemClock } from "../../shared/clock.ts";
import { runExpiry } from "../../shared/expiry/run.ts";
import type { Moment } from "../../shared/notifications/outbox.ts";
import { readEml } from "../support/mail.ts";
import { asCustomer, portalTokenFor } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { appleCall, eventually, memberPass } from "../support/wallet.ts";

/**
 * Moments through the whole local stack: API writes → the table's stream → the notifications handler →
 * the local SES sink's .eml files and the local Google Wallet recorder; status through the API.
 */

const DAY_MS = 86_400_000;
let stack: TestStack;
let alice: string;
/** A 1000-point reward: dear enough that only the tests that aim at it reach it. */
let reward: { id: string; points: number };

beforeAll(async () => {
  stack = await startTestStack({ wallet: true, notifications: true, pollIntervalMs: 50 });
  alice = await stack.token("alice");
  const created = await write("/v1/rewards", {
    programId: DEMO.locations["paris-01"].programId,
    name: "Free lunch",
    points: 1000,
    discount: { kind: "free_product", product: "Lunch" },
  });
  expect(created.status).toBe(201);
  reward = created.body.reward;
  // Each member here is enrolled for another Moment, which its mails are counted for: no welcome among them
  // (test/e2e/welcome.test.ts has the Welcome Moment).
  await switchMoment("welcome", false);
});
afterAll(() => stack?.close());

const sink = () => {
  if (!stack.notifications) throw new Error("the stack was started without notifications");
  return stack.notifications.mail;
};

const write = (path: string, body: unknown) =>
  stack.call("POST", path, { token: alice, body, headers: { "idempotency-key": randomUUID() } });

interface Member {
  id: string;
  email: string;
}

async function member(locale: "fr" | "en" = "en", extra: Record<string, unknown> = {}): Promise<Member> {
  const email = `m-${randomUUID().slice(0, 8)}@example.com`;
  const enrolled = await write("/v1/customers", {
    name: `Camille ${randomUUID().slice(0, 4)}`,
    email,
    locale,
    marketingConsent: true,
    ...extra,
  });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  return { id: enrolled.body.customer.id, email };
}

async function purchase(customerId: string, amount: string) {
  const response = await write("/v1/transactions", {
    customerId,
    locationId: "paris-01",
    type: "purchase",
    amount,
    currency: "EUR",
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.transaction as { id: string; balanceAfter: number };
}

async function addPoints(customerId: string, points: number) {
  const response = await write(`/v1/customers/${customerId}/points`, { points, reason: "goodwill" });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.transaction as { id: string };
}

const switchMoment = async (moment: Moment, on: boolean) => {
  const response = await stack.call("PATCH", "/v1/settings", {
    token: alice,
    body: { moments: { [moment]: on } },
  });
  expect(response.status).toBe(200);
};

const mailsTo = (address: string) => sink().mails.filter((mail) => mail.to.includes(address));
const waitForMail = (address: string, subject: string | RegExp, timeoutMs = 5_000): Promise<SentMail> =>
  sink().waitFor(
    (mail) =>
      mail.to.includes(address) &&
      (typeof subject === "string" ? mail.subject === subject : subject.test(mail.subject)),
    timeoutMs,
  );

interface NotificationRow {
  id: string;
  moment: string;
  status: string;
  reason: string | null;
  attempts: number;
  channels: { channel: string; status: string; reason: string | null; notified: boolean | null }[];
  entryId: string | null;
  lastError: string | null;
  createdAt: string;
}

async function notificationsOf(customerId: string): Promise<NotificationRow[]> {
  const response = await stack.call("GET", `/v1/customers/${customerId}/notifications`, { token: alice });
  expect(response.status).toBe(200);
  return response.body.notifications;
}

/** Waits until the customer's notification of `moment` reaches `status` (the stream is asynchronous). */
const settled = (customerId: string, moment: Moment, status: string, timeoutMs = 5_000) =>
  eventually(
    async () => (await notificationsOf(customerId)).find((n) => n.moment === moment && n.status === status),
    timeoutMs,
    `${moment} ${status}`,
  );

/** The Moment, switched off, is recorded as skipped and sends nothing. */
async function expectSwitchedOff(customer: Member, moment: Moment, subject: string | RegExp) {
  const row = await settled(customer.id, moment, "skipped");
  expect(row).toMatchObject({ reason: "switched_off", attempts: 0, channels: [] });
  const matches = (mail: SentMail) =>
    typeof subject === "string" ? mail.subject === subject : subject.test(mail.subject);
  expect(mailsTo(customer.email).filter(matches)).toEqual([]);
}

describe("email in the customer's language", () => {
  it("points earned, in French and in English, as the .eml shows it", async () => {
    const [fr, en] = [await member("fr"), await member("en")];
    const earned = await purchase(fr.id, "23.40");
    await purchase(en.id, "23.40");

    const frMail = await readEml((await waitForMail(fr.email, /^Vous avez gagné/)).file);
    expect(frMail.headers.from).toBe(
      `=?UTF-8?B?${Buffer.from("Café Démo").toString("base64")}?= <loyalty@localhost>`,
    );
    expect(frMail.headers.to).toBe(fr.email);
    expect(frMail.subject).toBe("Vous avez gagné 23 points chez Café Démo");
    expect(frMail.text).toContain(
      "Calcul : 23,40 EUR × 1 point par 1,00 EUR = 23,4, arrondi à l'inférieur → 23 points",
    );
    expect(frMail.text).toContain("Votre solde : 23 points.");
    expect(frMail.html).toContain('<html lang="fr">');
    expect(frMail.html).toContain("<p>Votre solde : 23 points.</p>");

    const enMail = await readEml((await waitForMail(en.email, /^You earned/)).file);
    expect(enMail.subject).toBe("You earned 23 points at Café Démo");
    expect(enMail.text).toContain(
      "How they were counted: 23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
    );
    expect(enMail.text).toContain("Your balance: 23 points.");
    expect(enMail.headers["x-ses-message-tags"]).toContain("moment=points_earned");

    const [row] = await notificationsOf(fr.id);
    expect(row).toEqual({
      id: `points_earned:${earned.id}`,
      moment: "points_earned",
      status: "sent",
      reason: null,
      attempts: 1,
      channels: [{ channel: "email", status: "sent", reason: null, notified: null }],
      entryId: earned.id,
      lastError: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });
});

describe("each Moment, on and off", () => {
  it("points earned", async () => {
    const on = await member();
    await purchase(on.id, "10.00");
    await waitForMail(on.email, "You earned 10 points at Café Démo");
    await switchMoment("points_earned", false);
    const off = await member();
    await purchase(off.id, "10.00");
    await expectSwitchedOff(off, "points_earned", /^You earned/);
    await switchMoment("points_earned", true);
  });

  it("points added by hand", async () => {
    const on = await member();
    await addPoints(on.id, 5);
    const mail = await readEml((await waitForMail(on.email, "5 points added to your card")).file);
    expect(mail.text).toContain("Details: Issued by hand: +5 points");
    await switchMoment("points_added", false);
    const off = await member();
    await addPoints(off.id, 5);
    await expectSwitchedOff(off, "points_added", "5 points added to your card");
    await switchMoment("points_added", true);
  });

  it("reward unlocked, on its own switch beside points earned", async () => {
    const on = await member();
    await purchase(on.id, "1000.00");
    const mail = await readEml((await waitForMail(on.email, "You can now get Free lunch")).file);
    expect(mail.text).toContain("With 1,000 points, you can now get Free lunch (1,000 points).");
    await switchMoment("reward_unlocked", false);
    const off = await member();
    await purchase(off.id, "1000.00");
    await expectSwitchedOff(off, "reward_unlocked", /^You can now get/);
    await waitForMail(off.email, "You earned 1,000 points at Café Démo");
    await switchMoment("reward_unlocked", true);
  });

  it("redemption refunded", async () => {
    const refundFor = async (customer: Member) => {
      await purchase(customer.id, "1000.00");
      const redeemed = await write("/v1/redemptions", {
        customerId: customer.id,
        rewardId: reward.id,
        locationId: "paris-01",
      });
      expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
      expect((await write(`/v1/redemptions/${redeemed.body.redemption.id}/refund`, {})).status).toBe(200);
    };
    const on = await member("fr");
    await refundFor(on);
    const mail = await readEml((await waitForMail(on.email, "1\u202f000 points rendus")).file);
    expect(mail.text).toContain(
      "Votre échange contre Free lunch a été annulé : 1\u202f000 points de retour sur votre carte.",
    );
    await switchMoment("redemption_refunded", false);
    const off = await member("fr");
    await refundFor(off);
    await expectSwitchedOff(off, "redemption_refunded", /rendus$/);
    await switchMoment("redemption_refunded", true);
  });

  it("claim decided: approved (an entry) and rejected (an outbox item, also on the Google pass)", async () => {
    const fileClaim = async (customer: Member) => {
      const token = await portalTokenFor(stack, customer.id);
      const filed = await asCustomer(
        stack,
        token,
        "POST",
        "/v1/me/claims",
        {
          description: "My visit was not scanned",
          occurredAt: new Date(Date.now() - 30 * 60_000).toISOString(),
          locationId: "lyon-01",
        },
        { "idempotency-key": randomUUID() },
      );
      expect(filed.status, JSON.stringify(filed.body)).toBe(201);
      return filed.body.claim.id as string;
    };
    const on = await member();
    expect((await write(`/v1/claims/${await fileClaim(on)}/approve`, {})).status).toBe(201);
    const approved = await readEml((await waitForMail(on.email, "Your claim was approved")).file);
    expect(approved.text).toContain(
      "Your claim for missing points was approved: 10 points added to your card.",
    );
    expect(
      (await write(`/v1/claims/${await fileClaim(on)}/reject`, { reason: "No visit on our camera" })).status,
    ).toBe(200);
    const rejected = await readEml((await waitForMail(on.email, "Your claim was not approved")).file);
    expect(rejected.text).toContain("Reason: No visit on our camera");
    const row = await settled(on.id, "claim_decided", "sent");
    expect(row.channels.map((c) => c.channel)).toContain("email");

    await switchMoment("claim_decided", false);
    const off = await member();
    expect((await write(`/v1/claims/${await fileClaim(off)}/reject`, { reason: "Duplicate" })).status).toBe(
      200,
    );
    await expectSwitchedOff(off, "claim_decided", /^Your claim/);
    await switchMoment("claim_decided", true);
  });
});

describe("the Google pass gets messages for news that leaves the balance alone", () => {
  it("notifying within Google's quota of 3 a day, silently after", async () => {
    const customer = await member("en", { email: undefined, marketingConsent: false });
    const { serialNumber } = await memberPass(stack, DEMO.merchantId, customer.id);
    const { objectId } = googleIds(LOCAL_GOOGLE_ISSUER_ID, DEMO.merchantId, serialNumber);
    const google = stack.wallet?.google;
    if (!google) throw new Error("the stack was started without its wallet");
    // The pass updates handler creates the Google object from the enrolment.
    await eventually(async () => (google.objects.has(objectId) ? true : undefined), 5_000, "Google object");
    const token = await portalTokenFor(stack, customer.id);
    for (let i = 0; i < 4; i++) {
      const filed = await asCustomer(
        stack,
        token,
        "POST",
        "/v1/me/claims",
        {
          description: `Claim ${i}`,
          occurredAt: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
          locationId: "lyon-01",
        },
        { "idempotency-key": randomUUID() },
      );
      expect(filed.status).toBe(201);
      expect((await write(`/v1/claims/${filed.body.claim.id}/reject`, { reason: `No ${i}` })).status).toBe(
        200,
      );
      // One at a time, so the quota is spent in order.
      await eventually(
        async () =>
          (await notificationsOf(customer.id)).filter((n) => n.status === "sent").length > i
            ? true
            : undefined,
        5_000,
        `message ${i}`,
      );
    }
    const messages = google.requests
      .filter((r) => r.method === "POST" && r.path.endsWith(`${encodeURIComponent(objectId)}/addMessage`))
      .map((r) => (r.body as { message: { messageType: string; header: string } }).message);
    expect(messages.map((m) => m.messageType)).toEqual([
      "TEXT_AND_NOTIFY",
      "TEXT_AND_NOTIFY",
      "TEXT_AND_NOTIFY",
      "TEXT",
    ]);
    expect(messages[0]?.header).toBe("Your claim was not approved");
    const rows = await notificationsOf(customer.id);
    expect(rows.map((r) => r.channels)).toContainEqual([
      { channel: "email", status: "skipped", reason: "missing", notified: null },
      { channel: "google_wallet", status: "sent", reason: null, notified: false },
    ]);
  });
});

describe("failures", () => {
  it("retries a failed email and sends it once", async () => {
    const customer = await member();
    sink().failNext("TooManyRequestsException", { to: customer.email, times: 1 });
    await purchase(customer.id, "4.00");
    await waitForMail(customer.email, "You earned 4 points at Café Démo");
    const row = await settled(customer.id, "points_earned", "sent");
    expect(row).toMatchObject({ attempts: 2, lastError: null });
    expect(mailsTo(customer.email)).toHaveLength(1);
  });

  it("gives up after 3 attempts, and says so through the API", async () => {
    const customer = await member();
    sink().failNext("InternalServiceErrorException", { to: customer.email, times: 3 });
    await purchase(customer.id, "4.00");
    const row = await settled(customer.id, "points_earned", "dead", 10_000);
    expect(row).toMatchObject({
      attempts: 3,
      lastError: "InternalServiceErrorException",
      channels: [
        { channel: "email", status: "failed", reason: "InternalServiceErrorException", notified: null },
      ],
    });
    expect(mailsTo(customer.email)).toEqual([]);
  });
});

describe("unreachable customers", () => {
  const reachability = async (customerId: string) => {
    const response = await stack.call("GET", `/v1/customers/${customerId}`, { token: alice });
    expect(response.status).toBe(200);
    return response.body.reachability;
  };

  it("are flagged on the customer: no email, no consent, or a bounced address, and no Apple device", async () => {
    const noEmail = await member("en", { email: undefined });
    expect(await reachability(noEmail.id)).toEqual({
      email: "missing",
      appleWalletDevices: 0,
      reachable: false,
    });
    const noConsent = await member("en", { marketingConsent: false });
    expect(await reachability(noConsent.id)).toEqual({
      email: "no_consent",
      appleWalletDevices: 0,
      reachable: false,
    });

    const bouncing = await member();
    expect(await reachability(bouncing.id)).toEqual({ email: "ok", appleWalletDevices: 0, reachable: true });
    sink().failNext("MessageRejected", { to: bouncing.email });
    await purchase(bouncing.id, "2.00");
    expect(await settled(bouncing.id, "points_earned", "dead")).toMatchObject({
      attempts: 1,
      lastError: "MessageRejected",
    });
    expect(await reachability(bouncing.id)).toEqual({
      email: "bounced",
      appleWalletDevices: 0,
      reachable: false,
    });
    // A new address clears it.
    const changed = await stack.call("PATCH", `/v1/customers/${bouncing.id}`, {
      token: alice,
      body: { email: `new-${bouncing.email}` },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.reachability).toBeUndefined();
    expect((await reachability(bouncing.id)).email).toBe("ok");
  });

  it("count a customer with an Apple Wallet device as reachable", async () => {
    const customer = await member("en", { email: undefined });
    const pass = await memberPass(stack, DEMO.merchantId, customer.id);
    const registered = await appleCall(
      stack,
      "POST",
      `/v1/devices/${randomUUID().replace(/-/g, "")}/registrations/${LOCAL_PASS_TYPE_ID}/${pass.serialNumber}`,
      { token: pass.authenticationToken, body: { pushToken: `push-${randomUUID()}` } },
    );
    expect(registered.status).toBe(201);
    expect(await reachability(customer.id)).toEqual({
      email: "missing",
      appleWalletDevices: 1,
      reachable: true,
    });
  });

  it("have their notifications listed for their own merchant only (another's customer is a 404)", async () => {
    const customer = await member();
    const mallory = await stack.token("mallory");
    expect(
      (await stack.call("GET", `/v1/customers/${customer.id}/notifications`, { token: mallory })).status,
    ).toBe(404);
    expect(
      (await stack.call("GET", `/v1/customers/${customer.id}/notifications?limit=0`, { token: alice }))
        .status,
    ).toBe(400);
  });
});

// Last: the runs move the expiry job's checkpoint forward. Points credited by hand without a location follow
// the merchant's default policy, set short here, so the runs reach these tests' batches and no one else's
// (the purchases of the tests above expire after 365 days).
describe("reminders and expiry from the scheduled job", () => {
  // The first run looks back one day only (31 by default): nothing of this stack is due before.
  const runAt = (daysFromNow: number) =>
    runExpiry(
      { db: stack.db, clock: systemClock },
      { now: new Date(Date.now() + daysFromNow * DAY_MS), lookbackDays: 1 },
    );
  const defaultExpiry = async (days: number) => {
    const body = { expiry: { kind: "rolling", days } };
    expect((await stack.call("PATCH", "/v1/settings", { token: alice, body })).status).toBe(200);
  };
  let expiring: Member;

  it("points expiring: a reminder email and a Google message; off for the next step", async () => {
    await defaultExpiry(30);
    expiring = await member("fr");
    await addPoints(expiring.id, 50);
    await waitForMail(expiring.email, "50 points ajoutés à votre carte");
    const { serialNumber } = await memberPass(stack, DEMO.merchantId, expiring.id);
    const { objectId } = googleIds(LOCAL_GOOGLE_ISSUER_ID, DEMO.merchantId, serialNumber);

    // 10 days before: the 14-day reminder.
    expect((await runAt(20)).remindersSent).toBe(1);
    const mail = await readEml((await waitForMail(expiring.email, /^50 points expireront le /)).file);
    expect(mail.text).toMatch(/50 points de votre carte expireront le \d+ \S+ \d{4}\. Pensez à les utiliser/);
    const row = await settled(expiring.id, "points_expiring", "sent");
    expect(row.channels).toEqual([
      { channel: "email", status: "sent", reason: null, notified: null },
      { channel: "google_wallet", status: "sent", reason: null, notified: true },
    ]);
    const addMessage = stack.wallet?.google.requests.find((r) =>
      r.path.endsWith(`${encodeURIComponent(objectId)}/addMessage`),
    );
    expect(addMessage).toMatchObject({ status: 200, body: { message: { messageType: "TEXT_AND_NOTIFY" } } });

    // 2 days before, switched off: the 3-day reminder is written, and skipped.
    await switchMoment("points_expiring", false);
    expect((await runAt(28)).remindersSent).toBe(1);
    await eventually(
      async () =>
        (await notificationsOf(expiring.id)).some(
          (n) => n.moment === "points_expiring" && n.status === "skipped",
        )
          ? true
          : undefined,
      5_000,
      "second reminder skipped",
    );
    expect(mailsTo(expiring.email).filter((m) => m.subject.includes("expireront"))).toHaveLength(1);
    await switchMoment("points_expiring", true);
  });

  it("points expired, on; then off for points that expire later", async () => {
    expect((await runAt(31)).customersExpired).toBe(1);
    const mail = await readEml((await waitForMail(expiring.email, "50 points ont expiré")).file);
    expect(mail.text).toContain("Votre solde : 0 point.");

    await defaultExpiry(60);
    const off = await member();
    await addPoints(off.id, 8);
    await waitForMail(off.email, "8 points added to your card");
    await switchMoment("points_expired", false);
    expect((await runAt(61)).customersExpired).toBe(1);
    await expectSwitchedOff(off, "points_expired", /expired$/);
    await switchMoment("points_expired", true);
  });
});
