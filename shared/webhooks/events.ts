import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import { claimView } from "../claims/claim.ts";
import type { Claim, Customer, LedgerEntry, Redemption } from "../model.ts";
import { redemptionView } from "../redemptions/view.ts";
import { TABLE } from "../store/db/table-definition.ts";
import { customerView, entryView } from "../views.ts";

/**
 * The events a merchant's endpoints can subscribe to. A `tier_change` entry is two events: the
 * `entry.created` every entry is, and `tier.changed` (the level moved), so that a receiver that only
 * cares about levels need not read every entry.
 */
export const WEBHOOK_EVENT_TYPES = [
  "entry.created",
  "redemption.created",
  "redemption.refunded",
  "customer.created",
  "claim.decided",
  "tier.changed",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One event a stream record stands for, before it is addressed to any endpoint. */
export interface WebhookEvent {
  type: WebhookEventType;
  merchantId: string;
  /** The item it comes from (`pk` and `sk`): with the type and the endpoint, what makes the webhook-id. */
  source: string;
  /** When the thing happened (the item's own time), the payload's `timestamp`. */
  occurredAt: string;
  /** The API's own view of the thing: never storage keys, never more than a staff member reads. */
  data: Record<string, unknown>;
}

// The sort keys of the items events come from (their stores': entries, profiles, redemptions, claims).
const ENTRY_PREFIX = "ENTRY#";
const PROFILE_SK = "#PROFILE";
const REDEMPTION_SK = "#REDEMPTION";
const CLAIM_SK = "#POINTSCLAIM";

/**
 * The event source mapping's filter (CDK `FilterCriteria.filter`), applied by the local stack too: new
 * entries, profiles and redemptions; changed redemptions and claims. A profile's changes (every balance
 * move) never reach the function.
 */
export const WEBHOOKS_FILTER_PATTERNS: readonly Record<string, unknown>[] = [
  {
    eventName: ["INSERT"],
    dynamodb: { Keys: { [TABLE.sortKey]: { S: [{ prefix: ENTRY_PREFIX }, PROFILE_SK, REDEMPTION_SK] } } },
  },
  { eventName: ["MODIFY"], dynamodb: { Keys: { [TABLE.sortKey]: { S: [REDEMPTION_SK, CLAIM_SK] } } } },
];

type Image = Record<string, AttributeValue> | undefined;

/** A stream record's event, before the item is read: enough to know whether any endpoint wants it. */
export interface PendingEvent {
  type: WebhookEventType;
  merchantId: string;
  /** The item it comes from. */
  key: { pk: string; sk: string };
}

/**
 * The event a stream record stands for, from its keys and the few attributes of its images that tell a
 * transition (a refund set, a pending claim decided). Undefined for a record no event comes from. The
 * item itself is read back when an endpoint wants the event (`webhookEventOf`): a stream image is not
 * decoded whole (the local stream loses the type of an empty map, and a read gives the item as stored).
 */
export function pendingEventOfRecord(record: DynamoDBRecord): PendingEvent | undefined {
  const keys = record.dynamodb?.Keys;
  const pk = keys?.[TABLE.partitionKey]?.S;
  const sk = keys?.[TABLE.sortKey]?.S;
  const after: Image = record.dynamodb?.NewImage;
  const before: Image = record.dynamodb?.OldImage;
  const merchantId = after?.merchantId?.S;
  if (!pk || !sk || !merchantId) return undefined;
  const pending = (type: WebhookEventType): PendingEvent => ({ type, merchantId, key: { pk, sk } });
  if (record.eventName === "INSERT") {
    if (sk.startsWith(ENTRY_PREFIX)) return pending("entry.created");
    if (sk === PROFILE_SK) return pending("customer.created");
    if (sk === REDEMPTION_SK) return pending("redemption.created");
    return undefined;
  }
  if (record.eventName !== "MODIFY") return undefined;
  // The refund is set once; later changes of a refunded redemption are no new refund.
  if (sk === REDEMPTION_SK)
    return after?.refund && !before?.refund ? pending("redemption.refunded") : undefined;
  if (sk === CLAIM_SK) {
    const decided = before?.status?.S === "pending" && after?.status?.S !== "pending";
    return decided ? pending("claim.decided") : undefined;
  }
  return undefined;
}

/**
 * Every event a stream record stands for: the one of `pendingEventOfRecord`, and `tier.changed` too for
 * a new `tier_change` entry (its own webhook-id: the type is part of it).
 */
export function pendingEventsOfRecord(record: DynamoDBRecord): PendingEvent[] {
  const first = pendingEventOfRecord(record);
  if (!first) return [];
  const tierChange = first.type === "entry.created" && record.dynamodb?.NewImage?.type?.S === "tier_change";
  return tierChange ? [first, { ...first, type: "tier.changed" }] : [first];
}

/**
 * The payload of `tier.changed`: who moved, in which program, between which levels and why (`reason`:
 * the earn that qualified or the scheduled review), and the `tier_change` entry (`entryId`) with the
 * entry that caused it, if any (`causedByEntryId`). Level names as the program had them then.
 */
export function tierChangedData(entry: LedgerEntry) {
  return {
    entryId: entry.id,
    customerId: entry.customerId,
    programId: entry.programId ?? null,
    direction: entry.inputs.direction === "demotion" ? "demotion" : "promotion",
    from: entry.inputs.from ?? "",
    to: entry.inputs.to ?? "",
    reason: entry.inputs.cause === "earn" ? "earn" : "review",
    causedByEntryId: entry.refs?.entryId ?? null,
    changedAt: entry.createdAt,
  };
}

/** The item without its storage keys, index attributes and TTL. */
function recordOf<T>(item: Record<string, unknown>): T {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name === TABLE.partitionKey || name === TABLE.sortKey || name === TABLE.ttlAttribute) continue;
    if (/^gsi\d+(pk|sk)$/.test(name)) continue;
    record[name] = value;
  }
  return record as T;
}

/**
 * The event with its payload's data, from the item as read back: the API's own view of it. Undefined
 * when the item no longer holds what the event said (it cannot, for these items, but a hand edit might).
 */
export function webhookEventOf(
  pending: PendingEvent,
  item: Record<string, unknown>,
): WebhookEvent | undefined {
  const source = `${pending.key.pk}|${pending.key.sk}`;
  const at = (occurredAt: string | undefined, data: object): WebhookEvent | undefined =>
    occurredAt === undefined
      ? undefined
      : {
          type: pending.type,
          merchantId: pending.merchantId,
          source,
          occurredAt,
          data: data as Record<string, unknown>,
        };
  switch (pending.type) {
    case "entry.created": {
      const entry = recordOf<LedgerEntry>(item);
      return at(entry.createdAt, entryView(entry));
    }
    case "customer.created": {
      const customer = recordOf<Customer>(item);
      return at(customer.createdAt, customerView(customer));
    }
    case "redemption.created": {
      const redemption = recordOf<Redemption>(item);
      return at(redemption.createdAt, redemptionView(redemption));
    }
    case "redemption.refunded": {
      const redemption = recordOf<Redemption>(item);
      return at(redemption.refund?.at, redemptionView(redemption));
    }
    case "claim.decided": {
      const claim = recordOf<Claim>(item);
      if (claim.status === "pending") return undefined;
      return at(claim.decision?.at ?? claim.updatedAt, claimView(claim));
    }
    case "tier.changed": {
      const entry = recordOf<LedgerEntry>(item);
      if (entry.type !== "tier_change") return undefined;
      return at(entry.createdAt, tierChangedData(entry));
    }
  }
}
