import type { AttributeValue, Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPassUpdatesHandler } from "../../functions/pass-updates-stream.ts";
import { lambdaContext } from "../../infra/local/api-gateway-event.ts";
import { matchesFilter } from "../../infra/local/stream-records.ts";
import { googleIds } from "../../passes/member-pass.ts";
import { PASS_UPDATES_FILTER_PATTERNS, paddedSeq } from "../../passes/pass-changes.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { createMerchant } from "../../shared/merchants/setup.ts";
import type { Customer } from "../../shared/model.ts";
import { profileSk, readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { entrySk } from "../../shared/store/ledger/entries.ts";
import { listPassDevices, registerDevice } from "../../shared/store/pass-devices.ts";
import { passPk, passSk, readPass } from "../../shared/store/passes.ts";
import {
  type PassDeliveryWorld,
  startPassDeliveryWorld,
  TEST_PASS_TYPE,
} from "../support/pass-delivery-world.ts";
import { testDb } from "../support/test-stack.ts";

/** The stream handler with real records against DynamoDB Local, a local APNs server and a Google recorder. */

const ISSUER = "3388000000000000042";
const MERCHANT = "m-stream";
let db: Db;
let world: PassDeliveryWorld;
let now: Date;
let nextSeq = 1000;

beforeAll(async () => {
  db = await testDb();
  world = await startPassDeliveryWorld({ db, clock: () => now, issuerId: ISSUER });
  await createMerchant(db, {
    id: MERCHANT,
    name: "Stream Café",
    country: "FR",
    currency: "EUR",
    createdAt: "2026-01-01T00:00:00Z",
  });
});
afterAll(async () => {
  await world?.close();
});
beforeEach(() => {
  now = new Date("2026-03-01T10:00:00Z");
});

const handler = createPassUpdatesHandler(() => world.deps);
const context: Context = lambdaContext("pass-updates-stream", "test");
const invoke = (records: DynamoDBRecord[]) =>
  handler({ Records: records } satisfies DynamoDBStreamEvent, context);

let members = 0;
async function member(): Promise<Customer> {
  members += 1;
  const enrolled = await enrolCustomer({ db, clock: () => now }, MERCHANT, {
    name: `Member ${members}`,
    locale: "en",
  });
  return (await readCustomer(db, MERCHANT, enrolled.result.customer.id)) as Customer;
}

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

function image(customer: Customer, changes: Partial<Customer>): Record<string, AttributeValue> {
  const c = { ...customer, ...changes };
  return {
    pk: s(customerPk(c.merchantId, c.id)),
    sk: s(profileSk()),
    id: s(c.id),
    merchantId: s(c.merchantId),
    name: s(c.name),
    locale: s(c.locale),
    barcode: s(c.barcode),
    passSerial: s(c.passSerial),
    balance: n(c.balance),
    seq: n(c.seq),
    updatedAt: s(c.updatedAt),
    lastVisits: { M: Object.fromEntries(Object.entries(c.lastVisits).map(([k, v]) => [k, s(v)])) },
  };
}

/** A stream record as Lambda delivers it; sequence numbers grow across the file, as in a shard. */
function record(
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  keys: { pk: string; sk: string },
  oldImage?: Record<string, AttributeValue>,
  newImage?: Record<string, AttributeValue>,
): DynamoDBRecord {
  nextSeq += 1;
  return {
    eventID: `event-${nextSeq}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "eu-west-3",
    eventSourceARN: "arn:aws:dynamodb:eu-west-3:000000000000:table/test/stream/2026-01-01T00:00:00.000",
    dynamodb: {
      Keys: { pk: s(keys.pk), sk: s(keys.sk) },
      ...(oldImage ? { OldImage: oldImage } : {}),
      ...(newImage ? { NewImage: newImage } : {}),
      SequenceNumber: String(nextSeq).padStart(21, "0"),
      SizeBytes: 100,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  };
}

/** The profile moving from one balance to the next, as an earn writes it. */
function balanceChange(customer: Customer, from: number, to: number): DynamoDBRecord {
  const before = image(customer, { balance: from, seq: from });
  const after = image(customer, { balance: to, seq: to, updatedAt: now.toISOString() });
  return record(
    "MODIFY",
    { pk: customerPk(customer.merchantId, customer.id), sk: profileSk() },
    before,
    after,
  );
}

async function registered(customer: Customer, pushToken: string): Promise<void> {
  await registerDevice(
    db,
    {
      deviceLibraryIdentifier: `device-${pushToken}`,
      passTypeIdentifier: TEST_PASS_TYPE,
      serialNumber: customer.passSerial,
      pushToken,
    },
    now,
  );
}

const pushesTo = (pushToken: string) =>
  world.apnsServer.deliveries.filter((delivery) => delivery.token === pushToken);

describe("pass updates from the table's stream", () => {
  it("pushes once for several changes to one pass in a batch, after moving its update tag", async () => {
    const customer = await member();
    await registered(customer, "tok-batch");
    const records = [
      balanceChange(customer, 0, 10),
      balanceChange(customer, 10, 20),
      balanceChange(customer, 20, 30),
    ];

    const result = await invoke(records);

    expect(result.batchItemFailures).toEqual([]);
    expect(pushesTo("tok-batch")).toHaveLength(1);
    expect(pushesTo("tok-batch")[0]).toMatchObject({ topic: TEST_PASS_TYPE, body: "{}" });
    const pass = await readPass(db, customer.passSerial);
    expect(pass).toMatchObject({
      updatedAt: "2026-03-01T10:00:00.000Z",
      updateTag: String(Date.parse("2026-03-01T10:00:00Z") / 1000),
      appleSeq: paddedSeq(records[2]?.dynamodb?.SequenceNumber as string),
    });
  });

  it("does not push again for redelivered records, whole batch or a late single one", async () => {
    const customer = await member();
    await registered(customer, "tok-redelivery");
    const records = [balanceChange(customer, 0, 5), balanceChange(customer, 5, 8)];
    await invoke(records);
    expect(pushesTo("tok-redelivery")).toHaveLength(1);

    now = new Date("2026-03-01T10:05:00Z");
    expect((await invoke(records)).batchItemFailures).toEqual([]);
    expect((await invoke([records[0] as DynamoDBRecord])).batchItemFailures).toEqual([]);
    expect(pushesTo("tok-redelivery")).toHaveLength(1);
    // A newer change still goes through, with a later tag.
    await invoke([balanceChange(customer, 8, 9)]);
    expect(pushesTo("tok-redelivery")).toHaveLength(2);
    expect((await readPass(db, customer.passSerial))?.updatedAt).toBe("2026-03-01T10:05:00.000Z");
  });

  it("reports only the failing pass's records in batchItemFailures, and pushes the rest once", async () => {
    const healthy = await member();
    const failing = await member();
    await registered(healthy, "tok-healthy");
    await registered(failing, "tok-failing");
    world.apnsServer.respondWith("tok-failing", 503, "ServiceUnavailable", { times: 1 });
    const records = [
      balanceChange(healthy, 0, 1),
      balanceChange(failing, 0, 4),
      balanceChange(healthy, 1, 2),
    ];

    const result = await invoke(records);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }]);
    expect(pushesTo("tok-healthy")).toHaveLength(1);
    // Lambda delivers again from the failed record on; the healthy pass is not pushed twice.
    const retry = await invoke(records.slice(1));
    expect(retry.batchItemFailures).toEqual([]);
    expect(pushesTo("tok-failing").map((d) => d.status)).toEqual([503, 200]);
    expect(pushesTo("tok-healthy")).toHaveLength(1);
  });

  it("removes a registration APNs calls a BadDeviceToken, like an Unregistered one, and keeps it on other 400s", async () => {
    const customer = await member();
    await registered(customer, "tok-bad");
    await registered(customer, "tok-gone");
    await registered(customer, "tok-wrong-topic");
    world.apnsServer.respondWith("tok-bad", 400, "BadDeviceToken");
    world.apnsServer.respondWith("tok-gone", 410, "Unregistered");
    world.apnsServer.respondWith("tok-wrong-topic", 400, "DeviceTokenNotForTopic");

    const result = await invoke([balanceChange(customer, 0, 3)]);

    // None of these is worth retrying: the records succeed.
    expect(result.batchItemFailures).toEqual([]);
    expect((await listPassDevices(db, customer.passSerial)).map((d) => d.pushToken)).toEqual([
      "tok-wrong-topic",
    ]);
    expect(pushesTo("tok-bad").map((d) => d.status)).toEqual([400]);
  });

  it("leaves out records that change nothing a pass shows, and never matches its own writes", async () => {
    const customer = await member();
    await registered(customer, "tok-quiet");
    const profileKeys = { pk: customerPk(customer.merchantId, customer.id), sk: profileSk() };
    const irrelevant = [
      // Only bookkeeping moved (a visit time, updatedAt).
      record(
        "MODIFY",
        profileKeys,
        image(customer, {}),
        image(customer, { updatedAt: "2026-03-01T11:00:00Z", lastVisits: { prog: "2026-03-01T11:00:00Z" } }),
      ),
      record("REMOVE", profileKeys, image(customer, {}), undefined),
      record("INSERT", { pk: profileKeys.pk, sk: entrySk(1) }, undefined, {
        pk: s(profileKeys.pk),
        sk: s(entrySk(1)),
      }),
      // The handler's own write to the pass item.
      record(
        "MODIFY",
        { pk: passPk(customer.passSerial), sk: passSk() },
        { updateTag: s("1") },
        { updateTag: s("2") },
      ),
    ];
    const googleCalls = world.google.requests.length;

    const result = await invoke(irrelevant);

    expect(result.batchItemFailures).toEqual([]);
    expect(pushesTo("tok-quiet")).toHaveLength(0);
    expect(world.google.requests.length).toBe(googleCalls);
    expect((await readPass(db, customer.passSerial))?.updateTag).toBeUndefined();
    // The event source mapping's filter lets profile changes through, and none of the pass's own items.
    expect(irrelevant.map((r) => matchesFilter(PASS_UPDATES_FILTER_PATTERNS, r))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(matchesFilter(PASS_UPDATES_FILTER_PATTERNS, balanceChange(customer, 0, 1))).toBe(true);
  });

  it("creates the Google object silently on enrolment, then patches it, notifying 3 times a day at most", async () => {
    const customer = await member();
    const { objectId } = googleIds(ISSUER, MERCHANT, customer.passSerial);
    const created = record(
      "INSERT",
      { pk: customerPk(customer.merchantId, customer.id), sk: profileSk() },
      undefined,
      image(customer, {}),
    );
    expect((await invoke([created])).batchItemFailures).toEqual([]);
    expect(world.google.objects.get(objectId)).toMatchObject({
      state: "ACTIVE",
      loyaltyPoints: { balance: { int: 0 } },
      // The barcode, within Google's recommended 20 characters; the customer id (30) was used before.
      accountId: customer.barcode,
      accountName: customer.name,
    });
    expect(customer.barcode.length).toBeLessThanOrEqual(20);

    const notified: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      now = new Date(Date.parse("2026-03-01T10:00:00Z") + i * 3_600_000);
      const before = world.google.requests.length;
      expect((await invoke([balanceChange(customer, i, i + 1)])).batchItemFailures).toEqual([]);
      const patch = world.google.requests.slice(before).find((r) => r.method === "PATCH");
      expect(patch?.body).toMatchObject({ loyaltyPoints: { balance: { int: customer.balance } } });
      notified.push(
        (patch?.body as { notifyPreference?: string } | undefined)?.notifyPreference === "NOTIFY_ON_UPDATE",
      );
    }
    expect(notified).toEqual([true, true, true, false]);
    expect((await readPass(db, customer.passSerial))?.googleNotifiedAt).toHaveLength(3);
  });
});
