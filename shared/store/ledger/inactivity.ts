import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { isConditionFailed } from "../db/contention.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import type { NamedItem } from "../db/transact.ts";
import { dueKeys } from "./lots.ts";

/** Under an inactivity policy, when the whole balance expires unless the customer earns before. */
export interface InactivityDeadline {
  dueAt: string;
  days: number;
  lastEarnedAt: string;
  remindersSent?: number[];
}

const key = (merchantId: string, customerId: string) => ({
  pk: customerPk(merchantId, customerId),
  sk: "#INACTIVITY",
});

export async function readInactivity(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<InactivityDeadline | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key(merchantId, customerId), ConsistentRead: true }),
  );
  return Item as InactivityDeadline | undefined;
}

/** The deadline moves with every earning; the due index follows it. */
export function inactivityPut(
  db: Db,
  merchantId: string,
  customerId: string,
  deadline: InactivityDeadline,
): NamedItem {
  return {
    name: "inactivity",
    item: {
      Put: {
        TableName: db.table,
        Item: {
          ...key(merchantId, customerId),
          ...deadline,
          ...dueKeys(merchantId, customerId, deadline.dueAt),
        },
      },
    },
  };
}

/** Consumed with the balance it expired; a concurrent earn that moved it makes the expiry re-plan. */
export function inactivityDelete(db: Db, merchantId: string, customerId: string, dueAt: string): NamedItem {
  return {
    name: "inactivity",
    item: {
      Delete: {
        TableName: db.table,
        Key: key(merchantId, customerId),
        ConditionExpression: "dueAt = :due",
        ExpressionAttributeValues: { ":due": dueAt },
      },
    },
  };
}

/** A deadline passed on an empty balance: nothing to expire, it only leaves the due index. */
export async function retireInactivity(
  db: Db,
  merchantId: string,
  customerId: string,
  dueAt: string,
): Promise<void> {
  try {
    await db.client.send(
      new DeleteCommand({
        TableName: db.table,
        Key: key(merchantId, customerId),
        ConditionExpression: "dueAt = :due",
        ExpressionAttributeValues: { ":due": dueAt },
      }),
    );
  } catch (error) {
    // The customer earned meanwhile and the deadline moved: it is no longer due, leave it.
    if (!isConditionFailed(error)) throw error;
  }
}

export const STORED_ITEMS = [
  { type: "inactivity-deadline", sk: "#INACTIVITY", indexes: ["gsi5"] },
] as const satisfies readonly StoredItemType[];
