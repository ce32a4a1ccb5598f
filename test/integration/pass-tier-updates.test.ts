import { randomUUID } from "node:crypto";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPassUpdatesHandler } from "../../functions/pass-updates-stream.ts";
import { lambdaContext } from "../../infra/local/api-gateway-event.ts";
import { buildPassFields } from "../../passes/apple/pass-fields.ts";
import { applePassViewOf, googleIds, loadMemberPassContent } from "../../passes/member-pass.ts";
import { enrolCustomer } from "../../shared/customers/enrol.ts";
import { createLocation, createMerchant, createProgram } from "../../shared/merchants/setup.ts";
import type { Customer } from "../../shared/model.ts";
import { profileSk, readCustomer } from "../../shared/store/customers/profile.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { registerDevice } from "../../shared/store/pass-devices.ts";
import { reviewTiers } from "../../shared/tiers/review.ts";
import type { TierSettings } from "../../shared/tiers/settings.ts";
import { earnPoints } from "../../shared/transactions/earn.ts";
import { meterCapacity } from "../support/capacity-meter.ts";
import { ownerOf } from "../support/ledger-merchant.ts";
import {
  type PassDeliveryWorld,
  startPassDeliveryWorld,
  TEST_PASS_TYPE,
} from "../support/pass-delivery-world.ts";
import { testDb } from "../support/test-stack.ts";

/**
 * A tier change reaches both wallets through the pass-updates stream, like a balance change: real ledger
 * writes (an earn that promotes, the scheduled review that demotes with the balance unchanged) against
 * DynamoDB Local, their profile images fed to the stream handler, a local APNs server and a Google recorder.
 */

const ISSUER = "3388000000000000043";
const TIERS: TierSettings = {
  window: { kind: "rolling", months: 3 },
  levels: [
    { name: "Bronze", threshold: 0, multiplier: "1" },
    { name: "Silver", threshold: 50, multiplier: "1.5" },
  ],
};
let db: Db;
let world: PassDeliveryWorld;
let meter: ReturnType<typeof meterCapacity>;
let now = new Date("2026-01-10T10:00:00.000Z");
let nextSeq = 5000;

beforeAll(async () => {
  db = await testDb();
  meter = meterCapacity(db);
  world = await startPassDeliveryWorld({ db, clock: () => now, issuerId: ISSUER });
});
afterAll(async () => {
  await world?.close();
});

const handler = createPassUpdatesHandler(() => world.deps);
const invoke = (records: DynamoDBRecord[]) =>
  handler({ Records: records }, lambdaContext("pass-updates-stream", "test"));

/** A merchant with one shop on one program, with or without tiers, and a member of it. */
async function member(tiers?: TierSettings) {
  const merchantId = `m-${randomUUID().slice(0, 8)}`;
  const createdAt = now.toISOString();
  await createMerchant(db, { id: merchantId, name: "Tiers Café", country: "FR", currency: "EUR", createdAt });
  await createProgram(db, {
    merchantId,
    id: "prog-shop",
    name: "Shop",
    version: 1,
    rule: { kind: "purchase", currency: "EUR", points: 1, per: "1.00", rounding: "down" },
    ...(tiers ? { tiers } : {}),
    updatedAt: createdAt,
  });
  await createLocation(db, { merchantId, id: "shop", name: "Shop", programId: "prog-shop", createdAt });
  const enrolled = await enrolCustomer({ db, clock: () => now }, merchantId, {
    name: "Léa Petit",
    locale: "fr",
    welcome: false,
  });
  return (await readCustomer(db, merchantId, enrolled.result.customer.id)) as Customer;
}

const profile = async (customer: Customer) =>
  (await readCustomer(db, customer.merchantId, customer.id)) as Customer;

const buy = (customer: Customer, amount: string) =>
  earnPoints(
    { db, clock: () => now },
    ownerOf(customer.merchantId),
    { customerId: customer.id, locationId: "shop", type: "purchase", amount, currency: "EUR" },
    randomUUID(),
  );

/** The stream record of the profile moving from `before` to `after`, as the table's stream carries it. */
function profileRecord(
  eventName: "INSERT" | "MODIFY",
  before: Customer | undefined,
  after: Customer,
): DynamoDBRecord {
  nextSeq += 1;
  const keys = { pk: customerPk(after.merchantId, after.id), sk: profileSk() };
  const image = (customer: Customer) => marshall({ ...customer, ...keys }, { removeUndefinedValues: true });
  return {
    eventID: `event-${nextSeq}`,
    eventName,
    dynamodb: {
      Keys: marshall(keys),
      ...(before ? { OldImage: image(before) } : {}),
      NewImage: image(after),
      SequenceNumber: String(nextSeq).padStart(21, "0"),
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  } as DynamoDBRecord;
}

const pushesTo = (token: string) =>
  world.apnsServer.deliveries.filter((delivery) => delivery.token === token);

/** The Google PATCH the last invocation made for this pass. */
function lastPatch(customer: Customer, since: number) {
  const { objectId } = googleIds(ISSUER, customer.merchantId, customer.passSerial);
  const path = `/walletobjects/v1/loyaltyObject/${encodeURIComponent(objectId)}`;
  return world.google.requests.slice(since).find((r) => r.method === "PATCH" && r.path === path)?.body as
    | {
        notifyPreference?: string;
        secondaryLoyaltyPoints?: unknown;
        textModulesData?: { id?: string; body?: string }[];
      }
    | undefined;
}

/** The tier fields of the Apple pass a device would fetch now. */
async function appleTier(customer: Customer) {
  const content = await loadMemberPassContent(db, customer.merchantId, customer.id, { now });
  const fields = buildPassFields(applePassViewOf(content as NonNullable<typeof content>, now.toISOString()));
  return {
    front: fields.auxiliaryFields.find((field) => field.key === "tier"),
    back: fields.backFields.find((field) => field.key === "tierProgress1")?.value,
  };
}

describe("a tier change on the pass-updates stream", () => {
  it("pushes the Apple pass and patches the Google object, notifying, on promotion and on a review's demotion", async () => {
    now = new Date("2026-01-10T10:00:00.000Z");
    const enrolled = await member(TIERS);
    const token = `tier-${randomUUID()}`;
    await registerDevice(
      db,
      {
        deviceLibraryIdentifier: `dev-${token}`,
        passTypeIdentifier: TEST_PASS_TYPE,
        serialNumber: enrolled.passSerial,
        pushToken: token,
      },
      now,
    );
    expect((await invoke([profileRecord("INSERT", undefined, enrolled)])).batchItemFailures).toEqual([]);

    // The earn that reaches 50 promotes in the same write: the record moves the balance and the level.
    await buy(enrolled, "30.00");
    const bronze = await profile(enrolled);
    now = new Date("2026-01-10T11:00:00.000Z");
    await buy(enrolled, "25.00");
    const silver = await profile(enrolled);
    expect(silver.tiers?.["prog-shop"]?.tier).toBe("Silver");
    let since = world.google.requests.length;
    expect((await invoke([profileRecord("MODIFY", bronze, silver)])).batchItemFailures).toEqual([]);
    expect(pushesTo(token)).toHaveLength(1);
    expect(lastPatch(enrolled, since)).toMatchObject({
      notifyPreference: "NOTIFY_ON_UPDATE",
      secondaryLoyaltyPoints: { label: "Niveau", balance: { string: "Silver" } },
    });
    expect(await appleTier(enrolled)).toEqual({
      front: { key: "tier", label: "Niveau", value: "Silver", changeMessage: "Vous êtes maintenant %@" },
      back: "Encore 50 points d'ici le 31 mars pour rester Silver",
    });

    // The review on 1 April demotes with the balance as it was: only the level is news.
    now = new Date("2026-04-01T00:00:00.000Z");
    expect(await reviewTiers({ db, clock: () => now }, enrolled.merchantId, enrolled.id, now)).toBe(1);
    const demoted = await profile(enrolled);
    expect(demoted.balance).toBe(silver.balance);
    since = world.google.requests.length;
    expect((await invoke([profileRecord("MODIFY", silver, demoted)])).batchItemFailures).toEqual([]);
    expect(pushesTo(token)).toHaveLength(2);
    const patch = lastPatch(enrolled, since);
    expect(patch).toMatchObject({
      notifyPreference: "NOTIFY_ON_UPDATE",
      secondaryLoyaltyPoints: { label: "Niveau", balance: { string: "Bronze" } },
    });
    expect(patch?.textModulesData?.find((m) => m.id === "tier1")?.body).toBe(
      "Encore 50 points pour devenir Silver",
    );
    expect((await appleTier(enrolled)).front?.value).toBe("Bronze");
  });

  it("reads nothing more for a pass showing a tier than for one without", async () => {
    now = new Date("2026-02-10T10:00:00.000Z");
    const plain = await member();
    const tiered = await member(TIERS);
    // Six earns each: the pass's five recent entries are read in full for both.
    for (const amount of ["10.00", "10.00", "10.00", "10.00", "15.00", "10.00"]) {
      await buy(plain, amount);
      await buy(tiered, amount);
    }
    const reads = async (customer: Customer) => {
      let content: Awaited<ReturnType<typeof loadMemberPassContent>>;
      const used = await meter.measure(async () => {
        content = await loadMemberPassContent(db, customer.merchantId, customer.id, { now });
      });
      return { used, tiers: content?.tiers };
    };
    const without = await reads(plain);
    const withTiers = await reads(tiered);
    console.log(
      `pass fetch reads: ${without.used.itemsRead} items without tiers, ${withTiers.used.itemsRead} with a tier shown`,
    );
    expect(without.tiers).toBeUndefined();
    expect(withTiers.tiers).toEqual([expect.objectContaining({ tier: "Silver", programId: "prog-shop" })]);
    expect(withTiers.used.itemsRead).toBe(without.used.itemsRead);
  });
});
