import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { webhookId } from "../../../shared/webhooks/deliver.ts";
import {
  type PendingEvent,
  pendingEventOfRecord,
  pendingEventsOfRecord,
  webhookEventOf,
} from "../../../shared/webhooks/events.ts";

/** Which stream records are which events, and what a delivery carries of them. */

type Image = Record<string, AttributeValue>;
const keys = (pk: string, sk: string): Image => ({ pk: { S: pk }, sk: { S: sk } });
const record = (
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  key: Image,
  after: Image,
  before?: Image,
): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    Keys: key,
    NewImage: { ...key, ...after },
    ...(before ? { OldImage: { ...key, ...before } } : {}),
  },
});
const merchant: Image = { merchantId: { S: "m1" } };

const ENTRY_KEY = keys("MERCHANT#m1#CUSTOMER#c1", "ENTRY#0000000001");
const PROFILE_KEY = keys("MERCHANT#m1#CUSTOMER#c1", "#PROFILE");
const REDEMPTION_KEY = keys("MERCHANT#m1#REDEMPTION#r1", "#REDEMPTION");
const CLAIM_KEY = keys("MERCHANT#m1#POINTSCLAIM#cl1", "#POINTSCLAIM");

describe("pendingEventOfRecord", () => {
  it("names the event of a new entry, profile or redemption", () => {
    expect(pendingEventOfRecord(record("INSERT", ENTRY_KEY, merchant))).toEqual({
      type: "entry.created",
      merchantId: "m1",
      key: { pk: "MERCHANT#m1#CUSTOMER#c1", sk: "ENTRY#0000000001" },
    });
    expect(pendingEventOfRecord(record("INSERT", PROFILE_KEY, merchant))?.type).toBe("customer.created");
    expect(pendingEventOfRecord(record("INSERT", REDEMPTION_KEY, merchant))?.type).toBe("redemption.created");
  });

  it("sees a profile's later changes (every balance move) as no event", () => {
    expect(pendingEventOfRecord(record("MODIFY", PROFILE_KEY, merchant, merchant))).toBeUndefined();
  });

  it("sees a refund only on the change that sets it", () => {
    const refund: Image = { refund: { M: { at: { S: "2026-01-04T10:00:00.000Z" } } } };
    const refunded = { ...merchant, ...refund };
    expect(pendingEventOfRecord(record("MODIFY", REDEMPTION_KEY, refunded, merchant))?.type).toBe(
      "redemption.refunded",
    );
    expect(pendingEventOfRecord(record("MODIFY", REDEMPTION_KEY, refunded, refunded))).toBeUndefined();
    expect(pendingEventOfRecord(record("MODIFY", REDEMPTION_KEY, merchant, merchant))).toBeUndefined();
  });

  it("sees a claim's decision only when a pending claim is decided", () => {
    const status = (s: string): Image => ({ ...merchant, status: { S: s } });
    expect(
      pendingEventOfRecord(record("MODIFY", CLAIM_KEY, status("approved"), status("pending")))?.type,
    ).toBe("claim.decided");
    expect(
      pendingEventOfRecord(record("MODIFY", CLAIM_KEY, status("rejected"), status("pending")))?.type,
    ).toBe("claim.decided");
    expect(
      pendingEventOfRecord(record("MODIFY", CLAIM_KEY, status("approved"), status("approved"))),
    ).toBeUndefined();
    expect(pendingEventOfRecord(record("INSERT", CLAIM_KEY, status("pending")))).toBeUndefined();
  });

  it("ignores removals and other items", () => {
    expect(pendingEventOfRecord(record("REMOVE", ENTRY_KEY, merchant))).toBeUndefined();
    expect(
      pendingEventOfRecord(record("INSERT", keys("MERCHANT#m1#CUSTOMER#c1", "LOTS#2027-01-01"), merchant)),
    ).toBeUndefined();
  });
});

describe("pendingEventsOfRecord", () => {
  it("makes a new tier_change entry both entry.created and tier.changed, and other entries one event", () => {
    const tierChange = record("INSERT", ENTRY_KEY, { ...merchant, type: { S: "tier_change" } });
    expect(pendingEventsOfRecord(tierChange).map((e) => e.type)).toEqual(["entry.created", "tier.changed"]);
    const purchase = record("INSERT", ENTRY_KEY, { ...merchant, type: { S: "purchase" } });
    expect(pendingEventsOfRecord(purchase).map((e) => e.type)).toEqual(["entry.created"]);
    expect(pendingEventsOfRecord(record("MODIFY", ENTRY_KEY, tierChange.dynamodb?.NewImage ?? {}))).toEqual(
      [],
    );
  });
});

describe("webhookEventOf", () => {
  const entryPending: PendingEvent = {
    type: "entry.created",
    merchantId: "m1",
    key: { pk: "MERCHANT#m1#CUSTOMER#c1", sk: "ENTRY#0000000001" },
  };
  const entryItem = {
    pk: "MERCHANT#m1#CUSTOMER#c1",
    sk: "ENTRY#0000000001",
    gsi2pk: "LOCATION#x",
    gsisk: "x",
    merchantId: "m1",
    customerId: "c1",
    id: "ent_1",
    seq: 1,
    type: "purchase",
    points: 12,
    balanceAfter: 12,
    inputs: {},
    explanation: "12 points",
    createdAt: "2026-01-02T10:00:00.000Z",
    prevHash: "0",
    hash: "h1",
  };

  it("carries the API's view of an entry, with its type, and no storage keys", () => {
    const event = webhookEventOf(entryPending, entryItem);
    expect(event).toMatchObject({
      type: "entry.created",
      occurredAt: entryItem.createdAt,
      data: { id: "ent_1", type: "purchase", points: 12, customerId: "c1", inputs: {} },
    });
    expect(JSON.stringify(event?.data)).not.toMatch(/gsi|MERCHANT#/);
  });

  it("carries a tier change's customer, program, levels, reason and entries; nothing for another entry", () => {
    const tierPending: PendingEvent = { ...entryPending, type: "tier.changed" };
    const change = {
      ...entryItem,
      id: "ent_2",
      type: "tier_change",
      points: 0,
      programId: "prog_1",
      refs: { entryId: "ent_1" },
      inputs: { direction: "promotion", from: "Bronze", to: "Silver", cause: "earn" },
    };
    expect(webhookEventOf(tierPending, change)).toMatchObject({
      type: "tier.changed",
      occurredAt: entryItem.createdAt,
      data: {
        entryId: "ent_2",
        customerId: "c1",
        programId: "prog_1",
        direction: "promotion",
        from: "Bronze",
        to: "Silver",
        reason: "earn",
        causedByEntryId: "ent_1",
      },
    });
    expect(webhookEventOf(tierPending, entryItem)).toBeUndefined();
  });

  it("carries a customer's view, without the pass's secrets", () => {
    const event = webhookEventOf(
      { type: "customer.created", merchantId: "m1", key: { pk: "p", sk: "#PROFILE" } },
      {
        pk: "p",
        sk: "#PROFILE",
        merchantId: "m1",
        id: "c1",
        name: "Camille",
        locale: "fr",
        barcode: "B1",
        passSerial: "serial-secret",
        passToken: "token-secret",
        balance: 0,
        seq: 0,
        headHash: "0",
        lastVisits: {},
        createdAt: "2026-01-02T09:00:00.000Z",
        updatedAt: "2026-01-02T09:00:00.000Z",
      },
    );
    expect(event).toMatchObject({ type: "customer.created", data: { id: "c1", name: "Camille" } });
    expect(JSON.stringify(event?.data)).not.toMatch(/serial-secret|token-secret|headHash|lastVisits/);
  });

  it("dates a decision by the decision, and a refund by the refund", () => {
    const claim = webhookEventOf(
      { type: "claim.decided", merchantId: "m1", key: { pk: "p", sk: "#POINTSCLAIM" } },
      {
        merchantId: "m1",
        id: "cl1",
        customerId: "c1",
        status: "approved",
        occurredAt: "2026-01-01T10:00:00.000Z",
        locationId: "l1",
        description: "forgot my card",
        match: { kind: "none" },
        decision: { at: "2026-01-02T08:00:00.000Z", staffId: "s1", points: 10 },
        createdAt: "2026-01-01T11:00:00.000Z",
        updatedAt: "2026-01-02T08:00:01.000Z",
      },
    );
    expect(claim).toMatchObject({
      occurredAt: "2026-01-02T08:00:00.000Z",
      data: { id: "cl1", status: "approved" },
    });
    const refund = webhookEventOf(
      { type: "redemption.refunded", merchantId: "m1", key: { pk: "p", sk: "#REDEMPTION" } },
      {
        merchantId: "m1",
        id: "r1",
        customerId: "c1",
        rewardId: "rw1",
        reward: { name: "Coffee", discount: { kind: "free_product", product: "Coffee" } },
        points: 100,
        code: "ABC",
        status: "revoked",
        issuer: "internal",
        createdAt: "2026-01-03T10:00:00.000Z",
        refund: { at: "2026-01-04T10:00:00.000Z", outcome: "revoked_and_refunded", staffId: "s1" },
      },
    );
    expect(refund).toMatchObject({
      occurredAt: "2026-01-04T10:00:00.000Z",
      data: { id: "r1", refundedAt: "2026-01-04T10:00:00.000Z" },
    });
  });

  describe("webhookId", () => {
    const event = webhookEventOf(entryPending, entryItem);
    if (!event) throw new Error("no event");

    it("is the same for the same item and endpoint (a stream record seen twice), different otherwise", () => {
      expect(webhookId(event, "wh_1")).toBe(webhookId({ ...event }, "wh_1"));
      expect(webhookId(event, "wh_2")).not.toBe(webhookId(event, "wh_1"));
      expect(webhookId({ ...event, source: "other|ENTRY#2" }, "wh_1")).not.toBe(webhookId(event, "wh_1"));
      expect(webhookId({ ...event, type: "claim.decided" }, "wh_1")).not.toBe(webhookId(event, "wh_1"));
    });

    it("sorts by the event's time and has no dot (the signed content is dot-separated)", () => {
      const later = { ...event, occurredAt: "2026-01-02T10:00:01.000Z" };
      expect(webhookId(later, "wh_1") > webhookId(event, "wh_1")).toBe(true);
      expect(webhookId(event, "wh_1")).toMatch(/^msg_[0-9A-Z]{26}$/);
    });
  });
});
