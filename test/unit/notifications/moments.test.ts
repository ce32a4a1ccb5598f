import type { DynamoDBRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { matchesFilter } from "../../../infra/local/stream-records.ts";
import type { Customer, LedgerEntry, Reward } from "../../../shared/model.ts";
import { readNotificationConfig } from "../../../shared/notifications/config.ts";
import { settle } from "../../../shared/notifications/deliver.ts";
import { emailReach } from "../../../shared/notifications/email-status.ts";
import {
  entryNotifications,
  needsWalletMessage,
  outboxNotification,
  rewardsReached,
} from "../../../shared/notifications/moments.ts";
import { MAX_ATTEMPTS } from "../../../shared/notifications/records.ts";
import { NOTIFICATIONS_FILTER_PATTERNS } from "../../../shared/notifications/stream.ts";

/** Which notifications a record causes, how an attempt settles, whether email can go: no database. */

const entry = (overrides: Partial<LedgerEntry>): LedgerEntry => ({
  id: "txn_1",
  merchantId: "m",
  customerId: "c",
  seq: 2,
  type: "purchase",
  points: 23,
  balanceAfter: 123,
  inputs: {},
  explanation: "23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
  createdAt: "2026-03-01T10:00:00.000Z",
  prevHash: "0".repeat(64),
  hash: "1".repeat(64),
  ...overrides,
});

const reward = (name: string, points: number, status: Reward["status"] = "active"): Reward => ({
  merchantId: "m",
  id: `rwd_${name}`,
  programId: "p",
  name,
  points,
  discount: { kind: "free_product", product: name },
  issuer: "internal",
  status,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
});

const momentsOf = (e: LedgerEntry, rewards: Reward[] = []) =>
  entryNotifications(e, { rewards }).map((n) => n.facts.moment);

describe("the Moments a ledger entry causes", () => {
  it("maps each entry type to its Moment, and debits other than expiry to none", () => {
    expect(momentsOf(entry({ type: "purchase" }))).toEqual(["points_earned"]);
    expect(momentsOf(entry({ type: "visit", points: 10 }))).toEqual(["points_earned"]);
    expect(momentsOf(entry({ type: "manual", points: 5 }))).toEqual(["points_added"]);
    expect(momentsOf(entry({ type: "manual", points: 15, refs: { claimId: "clm_1" } }))).toEqual([
      "claim_decided",
    ]);
    expect(momentsOf(entry({ type: "expiry", points: -50, balanceAfter: 0 }))).toEqual(["points_expired"]);
    expect(momentsOf(entry({ type: "refund", points: 100 }))).toEqual(["redemption_refunded"]);
    for (const type of ["redemption", "reversal"] as const) {
      expect(momentsOf(entry({ type, points: -20, balanceAfter: 80 }))).toEqual([]);
    }
    expect(momentsOf(entry({ type: "manual", points: -5 }))).toEqual([]);
    expect(momentsOf(entry({ type: "purchase", points: 0, balanceAfter: 100 }))).toEqual([]);
  });

  it("names the refunded reward from the entry itself, else from what the caller looked up", () => {
    const refund = (inputs: Record<string, string>, refundedReward?: string) =>
      entryNotifications(entry({ type: "refund", points: 100, inputs }), {
        rewards: [],
        ...(refundedReward ? { refundedReward } : {}),
      })[0]?.facts;
    expect(refund({ rewardName: "Café offert" }, "Renamed since")).toMatchObject({
      rewardName: "Café offert",
    });
    expect(refund({}, "Espresso")).toMatchObject({ rewardName: "Espresso" });
    expect(refund({})).not.toHaveProperty("rewardName");
  });

  it("gives each notification a dedupe key and a delivery record of its own per Moment and entry", () => {
    const [earned, unlocked] = entryNotifications(entry({ points: 30, balanceAfter: 110 }), {
      rewards: [reward("Coffee", 100)],
    });
    expect(earned).toMatchObject({
      dedupeKey: "points_earned:txn_1",
      source: { kind: "entry", entryId: "txn_1" },
    });
    expect(unlocked).toMatchObject({
      dedupeKey: "reward_unlocked:txn_1",
      facts: { moment: "reward_unlocked", rewards: [{ name: "Coffee", points: 100 }] },
    });
  });

  it("unlocks a reward when the credit carries the balance across its cost, not when it was already reached", () => {
    const rewards = [
      reward("Coffee", 100),
      reward("Cake", 150),
      reward("Old", 120, "archived"),
      reward("Lunch", 500),
    ];
    // 90 → 160: Coffee (100) and Cake (150) reached; the archived one never counts.
    expect(rewardsReached(rewards, entry({ points: 70, balanceAfter: 160 })).map((r) => r.name)).toEqual([
      "Coffee",
      "Cake",
    ]);
    // Exactly at the cost counts; already above it before does not.
    expect(rewardsReached(rewards, entry({ points: 10, balanceAfter: 100 })).map((r) => r.name)).toEqual([
      "Coffee",
    ]);
    expect(rewardsReached(rewards, entry({ points: 10, balanceAfter: 110 }))).toEqual([]);
    // A refund gives points back too; a debit never unlocks anything.
    expect(momentsOf(entry({ type: "refund", points: 100, balanceAfter: 100 }), rewards)).toEqual([
      "redemption_refunded",
      "reward_unlocked",
    ]);
    expect(rewardsReached(rewards, entry({ type: "redemption", points: -100, balanceAfter: 100 }))).toEqual(
      [],
    );
  });
});

describe("the notification an outbox item asks for", () => {
  const item = (moment: string, data: Record<string, unknown>) => ({
    merchantId: "m",
    customerId: "c",
    moment,
    dedupeKey: "k1",
    data,
    createdAt: "2026-03-01T10:00:00.000Z",
  });

  it("reads reminders of a batch and of the whole balance, and rejected claims", () => {
    expect(
      outboxNotification(
        item("points_expiring", { points: 50, expiresAt: "2027-03-01T10:00:00.000Z", daysBefore: 14 }),
      ),
    ).toMatchObject({
      dedupeKey: "k1",
      source: { kind: "outbox" },
      facts: { moment: "points_expiring", points: 50 },
    });
    const whole = outboxNotification(
      item("points_expiring", { wholeBalance: 1, expiresAt: "2027-03-01T10:00:00.000Z" }),
    );
    expect(whole?.facts).toEqual({ moment: "points_expiring", expiresAt: "2027-03-01T10:00:00.000Z" });
    expect(
      outboxNotification(item("claim_decided", { claimId: "clm_1", status: "rejected", reason: "No visit" }))
        ?.facts,
    ).toEqual({ moment: "claim_decided", approved: false, reason: "No visit" });
  });

  it("ignores a Moment or data it does not know", () => {
    expect(outboxNotification(item("birthday", {}))).toBeUndefined();
    expect(outboxNotification(item("points_expiring", {}))).toBeUndefined();
  });
});

describe("channels", () => {
  it("sends a wallet message only for Moments that leave the balance unchanged", () => {
    expect(needsWalletMessage({ moment: "points_expiring", expiresAt: "2027-01-01T00:00:00Z" })).toBe(true);
    expect(needsWalletMessage({ moment: "claim_decided", approved: false, reason: "" })).toBe(true);
    expect(
      needsWalletMessage({ moment: "claim_decided", approved: true, entry: entry({ type: "manual" }) }),
    ).toBe(false);
    expect(needsWalletMessage({ moment: "points_earned", entry: entry({}) })).toBe(false);
  });

  it("emails only an address the customer consented to and that did not bounce", () => {
    const customer = { email: "a@example.com", marketingConsent: true } as Customer;
    expect(emailReach(customer, false)).toBe("ok");
    expect(emailReach({ ...customer, marketingConsent: false }, false)).toBe("no_consent");
    expect(emailReach(customer, true)).toBe("bounced");
    expect(emailReach({ ...customer, email: undefined }, false)).toBe("missing");
  });
});

describe("how an attempt settles", () => {
  it("sent when a channel took it, skipped when none could", () => {
    expect(settle({ email: { status: "sent" } }, 1)).toEqual({
      status: "sent",
      channels: { email: { status: "sent" } },
    });
    expect(settle({ email: { status: "skipped", reason: "no_consent" } }, 1)).toMatchObject({
      status: "skipped",
      reason: "no_channel",
    });
  });

  it("failed while attempts are left, even when another channel went out; dead on the last", () => {
    const channels = {
      email: { status: "sent" as const },
      google_wallet: { status: "failed" as const, reason: "unavailable" },
    };
    expect(settle(channels, 1)).toMatchObject({ status: "failed", lastError: "unavailable" });
    expect(settle(channels, MAX_ATTEMPTS)).toMatchObject({ status: "dead", lastError: "unavailable" });
    expect(settle({}, 2, "ProvisionedThroughputExceededException")).toMatchObject({
      status: "failed",
      lastError: "ProvisionedThroughputExceededException",
    });
  });

  it("dead at once when the address was refused and nothing else went out", () => {
    expect(settle({ email: { status: "rejected", reason: "MessageRejected" } }, 1)).toMatchObject({
      status: "dead",
      lastError: "MessageRejected",
    });
    expect(
      settle(
        {
          email: { status: "rejected", reason: "MessageRejected" },
          google_wallet: { status: "sent", notified: true },
        },
        1,
      ),
    ).toMatchObject({ status: "sent" });
  });
});

describe("configuration", () => {
  it("sends from SES_FROM_ADDRESS, else from the SES identity, else not at all", () => {
    expect(readNotificationConfig({})).toEqual({});
    expect(
      readNotificationConfig({ SES_IDENTITY_ARN: "arn:aws:ses:eu-west-3:123456789012:identity/example.com" })
        .email,
    ).toMatchObject({
      fromAddress: "no-reply@example.com",
      identityArn: expect.stringContaining("identity/example.com"),
    });
    expect(
      readNotificationConfig({
        SES_IDENTITY_ARN: "arn:aws:ses:eu-west-3:123456789012:identity/shop@example.com",
      }).email?.fromAddress,
    ).toBe("shop@example.com");
    expect(
      readNotificationConfig({
        SES_FROM_ADDRESS: "loyalty@localhost",
        SES_ENDPOINT: "http://127.0.0.1:9",
        SES_CONFIGURATION_SET: "loyalty",
        SES_MAX_ATTEMPTS: "1",
      }).email,
    ).toEqual({
      fromAddress: "loyalty@localhost",
      endpoint: "http://127.0.0.1:9",
      configurationSet: "loyalty",
      maxAttempts: 1,
    });
  });
});

describe("the stream filter", () => {
  const record = (eventName: "INSERT" | "MODIFY", sk: string): DynamoDBRecord => ({
    eventName,
    dynamodb: { Keys: { pk: { S: "MERCHANT#m#CUSTOMER#c" }, sk: { S: sk } } },
  });

  it("lets new entries and outbox items through, and nothing else (not even its own delivery records)", () => {
    const passes = (r: DynamoDBRecord) => matchesFilter(NOTIFICATIONS_FILTER_PATTERNS, r);
    expect(passes(record("INSERT", "ENTRY#0000000001"))).toBe(true);
    expect(passes(record("INSERT", "NOTIFY#claim_decided#clm_1"))).toBe(true);
    expect(passes(record("MODIFY", "NOTIFY#claim_decided#clm_1"))).toBe(false);
    expect(passes(record("INSERT", "DELIVERY#points_earned:txn_1"))).toBe(false);
    expect(passes(record("INSERT", "#EMAIL_STATUS"))).toBe(false);
    expect(passes(record("MODIFY", "#PROFILE"))).toBe(false);
  });
});
