import { randomUUID } from "node:crypto";
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createNotificationsHandler } from "../../functions/notifications-stream.ts";
import { lambdaContext } from "../../infra/local/api-gateway-event.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { updateCustomer } from "../../shared/customers/update.ts";
import { createMerchant } from "../../shared/merchants/setup.ts";
import type { Customer, LedgerEntry, Merchant, Reward } from "../../shared/model.ts";
import type { NotificationDeps } from "../../shared/notifications/deliver.ts";
import { MailerError, type OutgoingEmail } from "../../shared/notifications/mailer.ts";
import type { OutboxNotification } from "../../shared/notifications/outbox.ts";
import { customerReachability } from "../../shared/notifications/reachability.ts";
import { listNotifications, MAX_ATTEMPTS } from "../../shared/notifications/records.ts";
import { ledgerWrite } from "../../shared/pipeline/ledger-write.ts";
import { readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { customerPk, merchantPk } from "../../shared/store/db/partitions.ts";
import { entrySk } from "../../shared/store/ledger/entries.ts";
import { merchantSk } from "../../shared/store/merchants/merchant.ts";
import { deliverySk } from "../../shared/store/notifications/deliveries.ts";
import { notificationSk, outboxItem } from "../../shared/store/notifications/outbox.ts";
import { rewardSk } from "../../shared/store/rewards.ts";
import { testDb } from "../support/test-stack.ts";

/**
 * The notifications handler with real stream records against DynamoDB Local, a fake mailer and a fake
 * Google pass: exactly-once under redelivery, retries, dead letters, bounces and switches.
 */

const MERCHANT = "m-notify";
let db: Db;
let now: Date;
const sent: OutgoingEmail[] = [];
/** Errors the next sends throw, in order. */
const mailFailures: Error[] = [];
const walletMessages: { serialNumber: string; id: string; header: string }[] = [];
const walletFailures: Error[] = [];

const deps = (): NotificationDeps => ({
  db,
  clock: () => now,
  mailer: {
    async send(email) {
      const failure = mailFailures.shift();
      if (failure) throw failure;
      sent.push(email);
      return { messageId: randomUUID() };
    },
  },
  async googleMessage(serialNumber, message) {
    const failure = walletFailures.shift();
    if (failure) throw failure;
    walletMessages.push({ serialNumber, id: message.id, header: message.header });
    return "notified";
  },
});

const handler = createNotificationsHandler(deps);
let sequence = 1000;
const invoke = (...records: DynamoDBRecord[]) =>
  handler({ Records: records }, lambdaContext("notifications-stream", randomUUID()));

/** The stream record of a new item, as Lambda delivers it (the handler reads the item itself back). */
const insert = (pk: string, sk: string): DynamoDBRecord => ({
  eventName: "INSERT",
  eventSource: "aws:dynamodb",
  dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } }, SequenceNumber: String(sequence++).padStart(21, "0") },
});

beforeAll(async () => {
  db = await testDb();
  await createMerchant(db, {
    id: MERCHANT,
    name: "Notify Café",
    country: "FR",
    currency: "EUR",
    createdAt: "2026-01-01T00:00:00Z",
  } satisfies Merchant);
});
beforeEach(() => {
  now = new Date("2026-03-01T10:00:00Z");
  sent.length = 0;
  walletMessages.length = 0;
  mailFailures.length = 0;
  walletFailures.length = 0;
});
afterAll(() => db?.client.destroy());

async function member(overrides: { email?: string; marketingConsent?: boolean } = {}): Promise<Customer> {
  const enrolled = await enrolCustomer({ db, clock: () => now }, MERCHANT, {
    name: "Camille",
    email: `c-${randomUUID().slice(0, 8)}@example.com`,
    marketingConsent: true,
    locale: "en",
    // These tests feed the handler their own records; the welcome's outbox item would be one more.
    welcome: false,
    ...overrides,
  });
  return (await readCustomer(db, MERCHANT, enrolled.result.customer.id)) as Customer;
}

/** Manual points: a ledger entry, and the stream record its insertion makes. */
async function credit(
  customer: Customer,
  points: number,
): Promise<{ entry: LedgerEntry; record: DynamoDBRecord }> {
  const key = randomUUID();
  const { result: entry } = await ledgerWrite(
    { db, clock: () => now },
    {
      name: "test.credit",
      merchantId: MERCHANT,
      idempotency: { key, fingerprint: key },
      load: async () => undefined,
      customerId: () => customer.id,
      plan: () => ({
        entry: {
          type: "manual",
          points,
          inputs: {},
          reason: "goodwill",
        },
        result: (e) => e,
      }),
    },
  );
  return { entry, record: insert(customerPk(MERCHANT, customer.id), entrySk(entry.seq)) };
}

/** An outbox item, as reminders and claim rejections write it, and its stream record. */
async function outbox(customer: Customer, notification: OutboxNotification): Promise<DynamoDBRecord> {
  await db.client.send(
    new TransactWriteCommand({ TransactItems: [outboxItem(db, MERCHANT, customer.id, notification).item] }),
  );
  return insert(customerPk(MERCHANT, customer.id), notificationSk(notification.dedupeKey));
}

const deliveryOf = async (entry: LedgerEntry, moment = "points_added") =>
  (
    await db.client.send(
      new GetCommand({
        TableName: db.table,
        Key: { pk: customerPk(MERCHANT, entry.customerId), sk: deliverySk(moment, entry.id) },
        ConsistentRead: true,
      }),
    )
  ).Item;

const failedIds = (result: Awaited<ReturnType<typeof invoke>>) =>
  result.batchItemFailures.map((failure) => failure.itemIdentifier);

describe("delivery at most once", () => {
  it("sends one email for a record delivered twice, one after the other or at the same time", async () => {
    const customer = await member();
    const { entry, record } = await credit(customer, 5);
    expect(failedIds(await invoke(record))).toEqual([]);
    expect(failedIds(await invoke(record))).toEqual([]);
    const { record: second } = await credit(customer, 7);
    await Promise.all([invoke(second), invoke(second), invoke(second)]);
    expect(sent.map((m) => m.subject)).toEqual([
      "5 points added to your card",
      "7 points added to your card",
    ]);
    expect(sent[0]).toMatchObject({
      to: customer.email,
      fromName: "Notify Café",
      tags: { moment: "points_added" },
    });
    expect(await deliveryOf(entry)).toMatchObject({
      status: "sent",
      attempts: 1,
      channels: { email: { status: "sent" } },
      entryId: entry.id,
    });
  });

  it("retries a failed send when the record comes again, and sends it once", async () => {
    const customer = await member();
    const { entry, record } = await credit(customer, 5);
    mailFailures.push(new MailerError("TooManyRequestsException", false));
    expect(failedIds(await invoke(record))).toEqual([record.dynamodb?.SequenceNumber]);
    expect(await deliveryOf(entry)).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "TooManyRequestsException",
    });
    expect(sent).toEqual([]);
    expect(failedIds(await invoke(record))).toEqual([]);
    expect(failedIds(await invoke(record))).toEqual([]);
    expect(sent).toHaveLength(1);
    const delivery = await deliveryOf(entry);
    expect(delivery).toMatchObject({ status: "sent", attempts: 2 });
    expect(delivery?.lastError).toBeUndefined();
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts: dead, and its record no longer fails`, async () => {
    const customer = await member();
    const { entry, record } = await credit(customer, 5);
    for (let i = 0; i < MAX_ATTEMPTS; i++)
      mailFailures.push(new MailerError("InternalServiceErrorException", false));
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      expect(failedIds(await invoke(record)), `attempt ${attempt}`).toHaveLength(1);
    }
    expect(failedIds(await invoke(record))).toEqual([]);
    expect(await deliveryOf(entry)).toMatchObject({
      status: "dead",
      attempts: MAX_ATTEMPTS,
      lastError: "InternalServiceErrorException",
      channels: { email: { status: "failed", reason: "InternalServiceErrorException" } },
    });
    await invoke(record);
    expect(sent).toEqual([]);
  });

  it("fails only the record whose notification failed, not the rest of the batch", async () => {
    const [a, b] = [await member(), await member()];
    const first = await credit(a, 1);
    const second = await credit(b, 2);
    mailFailures.push(new MailerError("TooManyRequestsException", false));
    // Records of a batch are handled in parallel: whichever sends first takes the failure.
    const failed = failedIds(await invoke(first.record, second.record));
    expect(failed).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });
});

describe("an address SES refuses", () => {
  it("marks the email bounced (dead at once, never retried) until the customer changes it", async () => {
    const customer = await member();
    const { entry, record } = await credit(customer, 5);
    mailFailures.push(new MailerError("MessageRejected", true));
    expect(failedIds(await invoke(record))).toEqual([]);
    expect(await deliveryOf(entry)).toMatchObject({
      status: "dead",
      attempts: 1,
      lastError: "MessageRejected",
      channels: { email: { status: "rejected", reason: "MessageRejected" } },
    });
    expect(await customerReachability(db, customer)).toEqual({
      email: "bounced",
      appleWalletDevices: 0,
      reachable: false,
    });

    // Not written to again while it is the same address.
    const next = await credit(customer, 3);
    await invoke(next.record);
    expect(await deliveryOf(next.entry)).toMatchObject({
      status: "skipped",
      reason: "no_channel",
      channels: { email: { status: "skipped", reason: "bounced" } },
    });
    expect(sent).toEqual([]);

    await updateCustomer({ db, clock: () => now }, MERCHANT, customer.id, "staff_1", {
      email: "new@example.com",
    });
    const updated = (await readCustomer(db, MERCHANT, customer.id)) as Customer;
    expect((await customerReachability(db, updated)).email).toBe("ok");
    await invoke((await credit(updated, 2)).record);
    expect(sent.map((m) => m.to)).toEqual(["new@example.com"]);
  });
});

describe("who can be reached", () => {
  it("flags a customer without email, or without consent to it, and no Apple device", async () => {
    const noEmail = await member({ email: undefined });
    // enrolCustomer keeps an explicit undefined out.
    expect(noEmail.email).toBeUndefined();
    expect(await customerReachability(db, noEmail)).toEqual({
      email: "missing",
      appleWalletDevices: 0,
      reachable: false,
    });
    const noConsent = await member({ marketingConsent: false });
    expect(await customerReachability(db, noConsent)).toMatchObject({
      email: "no_consent",
      reachable: false,
    });
    const { entry, record } = await credit(noConsent, 5);
    await invoke(record);
    expect(await deliveryOf(entry)).toMatchObject({
      status: "skipped",
      channels: { email: { status: "skipped", reason: "no_consent" } },
    });
    expect(sent).toEqual([]);
  });
});

describe("a reminder with nothing left to say", () => {
  it("skips the whole balance's reminder once the balance is spent", async () => {
    const customer = await member();
    const record = await outbox(customer, {
      moment: "points_expiring",
      dedupeKey: `expiring:#INACTIVITY:${randomUUID()}`,
      data: { wholeBalance: 1, expiresAt: "2026-04-01T00:00:00.000Z", daysBefore: 14 },
      createdAt: now.toISOString(),
    });
    expect(failedIds(await invoke(record))).toEqual([]);
    const [listed] = await listNotifications(db, MERCHANT, customer.id, 1);
    expect(listed).toMatchObject({
      moment: "points_expiring",
      status: "skipped",
      reason: "nothing_to_expire",
    });
    expect(sent).toEqual([]);
    expect(walletMessages).toEqual([]);
  });
});

describe("several channels", () => {
  it("retries only the channel that failed", async () => {
    const customer = await member();
    // A rejected claim: an outbox item, emailed and posted on the Google pass.
    const record = await outbox(customer, {
      moment: "claim_decided",
      dedupeKey: `claim_decided#clm_${randomUUID()}`,
      data: { claimId: "clm_1", status: "rejected", reason: "No visit that day" },
      createdAt: now.toISOString(),
    });
    walletFailures.push(
      Object.assign(new Error("Google Wallet loyaltyObject.addMessage failed"), { code: "unavailable" }),
    );
    expect(failedIds(await invoke(record))).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(walletMessages).toEqual([]);
    expect(failedIds(await invoke(record))).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(walletMessages).toEqual([
      expect.objectContaining({ serialNumber: customer.passSerial, header: "Your claim was not approved" }),
    ]);
  });
});

describe("Moments switched off", () => {
  const switchMoments = (moments: Merchant["moments"]) =>
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: { pk: merchantPk(MERCHANT), sk: merchantSk() },
        UpdateExpression: "SET moments = :moments",
        ExpressionAttributeValues: { ":moments": moments },
      }),
    );
  afterAll(() => switchMoments({}));

  it("records the notification as skipped and sends nothing; the others of the same entry still go", async () => {
    const customer = await member();
    const reward: Reward = {
      merchantId: MERCHANT,
      id: "rwd_espresso",
      programId: "prog_1",
      name: "Espresso",
      points: 10,
      discount: { kind: "free_product", product: "Espresso" },
      issuer: "internal",
      status: "active",
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await db.client.send(
      new PutCommand({
        TableName: db.table,
        Item: { pk: merchantPk(MERCHANT), sk: rewardSk(reward.id), ...reward },
      }),
    );
    await switchMoments({ points_added: false });
    const { entry, record } = await credit(customer, 12);
    await invoke(record);
    expect(await deliveryOf(entry)).toMatchObject({ status: "skipped", reason: "switched_off", attempts: 0 });
    expect(sent.map((m) => m.subject)).toEqual(["You can now get Espresso"]);
    // Listed for staff, newest first, without message contents.
    const listed = await listNotifications(db, MERCHANT, customer.id, 10);
    expect(listed.map((n) => [n.moment, n.status])).toEqual(
      expect.arrayContaining([
        ["points_added", "skipped"],
        ["reward_unlocked", "sent"],
      ]),
    );
    expect(JSON.stringify(listed)).not.toContain(customer.email);
    // Switched back on, a record delivered again does not resurrect it.
    await switchMoments({});
    await invoke(record);
    expect(sent).toHaveLength(1);
  });
});
