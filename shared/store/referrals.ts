import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Referral, ReferralStatus } from "../referrals/model.ts";
import { profileSk } from "./customers/profile.ts";
import { batchGet } from "./db/batch-get.ts";
import type { Db } from "./db/client.ts";
import { isConditionFailed } from "./db/contention.ts";
import type { StoredItemType } from "./db/item-types.ts";
import { customerPk } from "./db/partitions.ts";
import { queryAll } from "./db/query-all.ts";
import type { NamedItem } from "./db/transact.ts";

/**
 * Referrals (shared/referrals/): one record per referral under its own key, so a cancellation finds it by
 * id; a link per referral under the referrer's referrals partition, which also holds the referrer's count
 * per UTC month (the monthly cap); and a claim per member code, so no two members share one. Ids only,
 * nothing personal. No index: the friend's side is on their profile (`referral`).
 */

const recordKey = (merchantId: string, id: string) => ({
  pk: `MERCHANT#${merchantId}#REFERRAL#${id}`,
  sk: "#REFERRAL",
});
const referrerPk = (merchantId: string, customerId: string) =>
  `MERCHANT#${merchantId}#REFERRALS#${customerId}`;
const LINK_PREFIX = "REFERRAL#";
const linkKey = (merchantId: string, customerId: string, id: string) => ({
  pk: referrerPk(merchantId, customerId),
  sk: `${LINK_PREFIX}${id}`,
});
const countKey = (merchantId: string, customerId: string, month: string) => ({
  pk: referrerPk(merchantId, customerId),
  sk: `COUNT#${month}`,
});
const codeKey = (merchantId: string, code: string) => ({
  pk: `MERCHANT#${merchantId}#REFCODE#${code}`,
  sk: "#REFCODE",
});

/** The transaction item claiming a member's code; its failure means another member drew the same. */
export const REFERRAL_CODE_CLAIM = "referral-code-claim";

export function referralCodeClaim(db: Db, merchantId: string, code: string, customerId: string): NamedItem {
  return {
    name: REFERRAL_CODE_CLAIM,
    item: {
      Put: {
        TableName: db.table,
        Item: { ...codeKey(merchantId, code), merchantId, customerId },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  };
}

export async function findReferrerByCode(
  db: Db,
  merchantId: string,
  code: string,
): Promise<string | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: codeKey(merchantId, code) }),
  );
  return Item?.customerId as string | undefined;
}

/** Referrals counted for the referrer in the month ("2026-01"), the cap's count. */
export async function readMonthCount(db: Db, merchantId: string, customerId: string, month: string) {
  const { Item } = await db.client.send(
    new GetCommand({
      TableName: db.table,
      Key: countKey(merchantId, customerId, month),
      ConsistentRead: true,
    }),
  );
  return Number(Item?.count ?? 0);
}

/** One more referral this month, on condition the count is still `before` (two joins race on it). */
export function monthCountPut(
  db: Db,
  merchantId: string,
  customerId: string,
  month: string,
  before: number,
): NamedItem {
  return {
    name: "referral-count",
    item: {
      Put: {
        TableName: db.table,
        Item: {
          ...countKey(merchantId, customerId, month),
          merchantId,
          customerId,
          month,
          count: before + 1,
        },
        ConditionExpression: before === 0 ? "attribute_not_exists(pk)" : "#count = :before",
        ...(before === 0
          ? {}
          : {
              ExpressionAttributeNames: { "#count": "count" },
              ExpressionAttributeValues: { ":before": before },
            }),
      },
    },
  };
}

/** A new referral and its link under the referrer. */
export function newReferralItems(db: Db, referral: Referral): NamedItem[] {
  return [
    {
      name: "referral",
      item: {
        Put: {
          TableName: db.table,
          Item: { ...recordKey(referral.merchantId, referral.id), ...referral },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    },
    {
      name: "referral-link",
      item: {
        Put: {
          TableName: db.table,
          Item: {
            ...linkKey(referral.merchantId, referral.referrerId, referral.id),
            referralId: referral.id,
            createdAt: referral.createdAt,
          },
        },
      },
    },
  ];
}

function toReferral(item: Record<string, unknown>): Referral {
  const { pk: _pk, sk: _sk, ...referral } = item;
  return referral as unknown as Referral;
}

export async function readReferral(db: Db, merchantId: string, id: string): Promise<Referral | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: recordKey(merchantId, id), ConsistentRead: true }),
  );
  return Item ? toReferral(Item) : undefined;
}

function transitionUpdate(
  db: Db,
  referral: Pick<Referral, "merchantId" | "id">,
  from: readonly ReferralStatus[],
  set: Partial<Referral>,
) {
  const entries = Object.entries(set).filter(([, value]) => value !== undefined);
  const names: Record<string, string> = { "#status": "status" };
  const values: Record<string, unknown> = {};
  from.forEach((status, i) => {
    values[`:from${i}`] = status;
  });
  const sets = entries.map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    return `#a${i} = :a${i}`;
  });
  return {
    TableName: db.table,
    Key: recordKey(referral.merchantId, referral.id),
    UpdateExpression: `SET ${sets.join(", ")}`,
    ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(", ")})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * The referral moves on, in a transaction, only from one of the `from` states: of two writes deciding the
 * same referral (two qualifying purchases at once), one fails here and reads again.
 */
export function referralTransition(
  db: Db,
  referral: Pick<Referral, "merchantId" | "id">,
  from: readonly ReferralStatus[],
  set: Partial<Referral>,
): NamedItem {
  return { name: "referral", item: { Update: transitionUpdate(db, referral, from, set) } };
}

/** The same on its own; false when the referral was no longer in a `from` state. */
export async function updateReferral(
  db: Db,
  referral: Pick<Referral, "merchantId" | "id">,
  from: readonly ReferralStatus[],
  set: Partial<Referral>,
): Promise<boolean> {
  try {
    await db.client.send(new UpdateCommand(transitionUpdate(db, referral, from, set)));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * The friend's profile stops awaiting this referral (cancelled before it qualified), written with the
 * referral's own transition: an earn racing it fails on the referral's condition and reads the profile again.
 */
export function pendingReferralCleared(
  db: Db,
  merchantId: string,
  customerId: string,
  referralId: string,
): NamedItem {
  return {
    name: "referral-profile",
    item: {
      Update: {
        TableName: db.table,
        Key: { pk: customerPk(merchantId, customerId), sk: profileSk() },
        UpdateExpression: "SET #referral.#pending = :false",
        ConditionExpression: "#referral.#id = :id",
        ExpressionAttributeNames: { "#referral": "referral", "#pending": "pending", "#id": "id" },
        ExpressionAttributeValues: { ":false": false, ":id": referralId },
      },
    },
  };
}

/** Most referrals one member lists: their monthly cap bounds new ones, this bounds a page. */
export const MAX_LISTED_REFERRALS = 200;

/** The referrals a member made, newest first (at most MAX_LISTED_REFERRALS), and the one they joined by. */
export async function listReferralsOf(
  db: Db,
  merchantId: string,
  customerId: string,
  joinedBy: string | undefined,
): Promise<Referral[]> {
  const links = await queryAll(
    db,
    {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": referrerPk(merchantId, customerId), ":prefix": LINK_PREFIX },
      ScanIndexForward: false,
      Limit: MAX_LISTED_REFERRALS,
    },
    (items) => items.length >= MAX_LISTED_REFERRALS,
  );
  const ids = [
    ...(joinedBy ? [joinedBy] : []),
    ...links.slice(0, MAX_LISTED_REFERRALS).map((l) => String(l.referralId)),
  ];
  const found = await batchGet(
    db,
    ids.map((id) => recordKey(merchantId, id)),
    { consistent: true },
  );
  return [...found.values()].map(toReferral).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export const STORED_ITEMS = [
  { type: "referral", sk: "#REFERRAL", indexes: [] },
  { type: "referral-link", sk: "REFERRAL#<id>", indexes: [] },
  { type: "referral-count", sk: "COUNT#<month>", indexes: [] },
  { type: "referral-code", sk: "#REFCODE", indexes: [] },
] as const satisfies readonly StoredItemType[];
