import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import {
  activitySk,
  customerPointsClaimsPk,
  pointsClaimPk,
  pointsClaimQueuePk,
  pointsClaimSk,
  receiptPk,
  receiptSk,
} from "../db/keys.ts";
import { ValidationError } from "../errors.ts";
import type { TransactItem } from "../idempotent-write.ts";
import type { Claim, ClaimStatus } from "../model.ts";
import { decodeCursor, encodeCursor } from "../pagination.ts";

/**
 * Claims live under their own key (read by id when staff decide them) and appear in two index partitions:
 * the merchant's queue for their status (gsi1) and the customer's own list (gsi2), both by creation time.
 */

export const CLAIM_STATUSES = [
  "pending",
  "already_credited",
  "approved",
  "rejected",
] as const satisfies readonly ClaimStatus[];

/** Staff may still decide these; an automatic match can be wrong (two purchases of one amount in an hour). */
export const OPEN_STATUSES: readonly ClaimStatus[] = ["pending", "already_credited"];

const indexKeys = (claim: Claim) => {
  const sk = activitySk(claim.createdAt, claim.id);
  return {
    gsi1pk: pointsClaimQueuePk(claim.merchantId, claim.status),
    gsi1sk: sk,
    gsi2pk: customerPointsClaimsPk(claim.merchantId, claim.customerId),
    gsi2sk: sk,
  };
};

export function newClaimItem(db: Db, claim: Claim): TransactItem {
  return {
    Put: {
      TableName: db.table,
      Item: {
        pk: pointsClaimPk(claim.merchantId, claim.id),
        sk: pointsClaimSk(),
        ...claim,
        ...indexKeys(claim),
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** The decision, on condition that the claim is still in the status it was read in. */
export function decisionItem(db: Db, before: Claim, after: Claim): TransactItem {
  return {
    Update: {
      TableName: db.table,
      Key: { pk: pointsClaimPk(before.merchantId, before.id), sk: pointsClaimSk() },
      UpdateExpression: "SET #status = :status, decision = :decision, updatedAt = :now, gsi1pk = :queue",
      ConditionExpression: "#status = :before",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":status": after.status,
        ":decision": after.decision,
        ":now": after.updatedAt,
        ":queue": indexKeys(after).gsi1pk,
        ":before": before.status,
      },
    },
  };
}

/**
 * Receipt numbers are compared without case or spaces ("a-12 34" is "A-1234"), per location: two shops of
 * one merchant may number their receipts alike.
 */
export function normalizeReceipt(receipt: string): string {
  const normalized = receipt.toUpperCase().replace(/\s+/g, "");
  if (!/^[A-Z0-9./_-]{1,64}$/.test(normalized)) {
    throw ValidationError.field("receiptNumber", "must be letters, digits, spaces and . / _ - only");
  }
  return normalized;
}

export function receiptItem(db: Db, claim: Claim, receipt: string): TransactItem {
  return {
    Put: {
      TableName: db.table,
      Item: {
        pk: receiptPk(claim.merchantId, claim.locationId, receipt),
        sk: receiptSk(),
        claimId: claim.id,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

export async function getClaim(db: Db, merchantId: string, claimId: string): Promise<Claim | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: { pk: pointsClaimPk(merchantId, claimId), sk: pointsClaimSk() },
      ConsistentRead: true,
    }),
  );
  return Item ? claimOf(Item) : undefined;
}

function claimOf(item: Record<string, unknown>): Claim {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _s1, gsi2pk: _g2, gsi2sk: _s2, ...claim } = item;
  return claim as unknown as Claim;
}

/** What clients see: explicit fields only. */
export function claimView(claim: Claim) {
  return {
    id: claim.id,
    customerId: claim.customerId,
    status: claim.status,
    occurredAt: claim.occurredAt,
    locationId: claim.locationId,
    amount: claim.amount ?? null,
    currency: claim.currency ?? null,
    receiptNumber: claim.receiptNumber ?? null,
    description: claim.description,
    match: claim.match,
    decision: claim.decision ?? null,
    createdAt: claim.createdAt,
    updatedAt: claim.updatedAt,
  };
}

export type ClaimView = ReturnType<typeof claimView>;

export interface ClaimPage {
  claims: ClaimView[];
  nextCursor: string | null;
}

const isQueueCursor = (value: unknown): value is { sk: string; id: string } =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { sk: unknown }).sk === "string" &&
  typeof (value as { id: unknown }).id === "string" &&
  /^[A-Za-z0-9_-]{1,64}$/.test((value as { id: string }).id) &&
  (value as { sk: string }).sk.endsWith(`#${(value as { id: string }).id}`);

/**
 * The merchant's claims in one status: the queue of pending ones oldest first (first come, first served),
 * decided ones newest first. `locationIds` limits them to the locations the reader may act at.
 */
export async function listMerchantClaims(
  db: Db,
  merchantId: string,
  query: { status: ClaimStatus; limit: number; cursor?: string; locationIds: string[] | "*" },
): Promise<ClaimPage> {
  const queue = pointsClaimQueuePk(merchantId, query.status);
  // The cursor names a position; the key is rebuilt here, so it can only ever point into this queue.
  const after = query.cursor ? decodeCursor(query.cursor, isQueueCursor) : undefined;
  const { Items = [], LastEvaluatedKey } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :queue",
      ExpressionAttributeValues: { ":queue": queue },
      ScanIndexForward: query.status === "pending",
      Limit: query.limit,
      ...(after
        ? {
            ExclusiveStartKey: {
              pk: pointsClaimPk(merchantId, after.id),
              sk: pointsClaimSk(),
              gsi1pk: queue,
              gsi1sk: after.sk,
            },
          }
        : {}),
    }),
  );
  // Filtered here rather than by a FilterExpression, whose IN takes at most 100 values: the page may come
  // out shorter than `limit` either way, and the cursor still moves on.
  const { locationIds } = query;
  const visible = Items.filter(
    (item) => locationIds === "*" || locationIds.includes(String(item.locationId)),
  );
  const last = LastEvaluatedKey as { gsi1sk: string; pk: string } | undefined;
  const lastId = last ? String(last.pk).split("#").at(-1) : undefined;
  return {
    claims: visible.map((item) => claimView(claimOf(item))),
    nextCursor: last && lastId ? encodeCursor({ sk: last.gsi1sk, id: lastId }) : null,
  };
}

/** A customer's own claims, newest first (the most recent hundred). */
export async function listCustomerClaims(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<ClaimView[]> {
  const { Items = [] } = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": customerPointsClaimsPk(merchantId, customerId) },
      ScanIndexForward: false,
      Limit: 100,
    }),
  );
  return Items.map((item) => claimView(claimOf(item)));
}
