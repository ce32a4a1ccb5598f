import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { customerPk } from "../db/partitions.ts";
import type { NamedItem } from "../db/transact.ts";

/**
 * Whether the customer's email address bounced: `#EMAIL_STATUS` under the customer, apart from the profile,
 * whose writes update the pass. It names the address it applies to by a hash, never the address itself.
 */

export interface EmailBounce {
  status: "bounced";
  /** shared/notifications/email-status.ts: a hash of the address that bounced. */
  addressHash: string;
  /** The sender's code, e.g. MessageRejected. */
  reason: string;
  at: string;
}

const key = (merchantId: string, customerId: string) => ({
  pk: customerPk(merchantId, customerId),
  sk: "#EMAIL_STATUS",
});

export async function readEmailBounce(
  db: Db,
  merchantId: string,
  customerId: string,
): Promise<EmailBounce | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: key(merchantId, customerId), ConsistentRead: true }),
  );
  if (Item?.status !== "bounced") return undefined;
  return {
    status: "bounced",
    addressHash: String(Item.addressHash),
    reason: String(Item.reason),
    at: String(Item.at),
  };
}

export async function saveEmailBounce(
  db: Db,
  merchantId: string,
  customerId: string,
  bounce: EmailBounce,
): Promise<void> {
  await db.client.send(
    new PutCommand({ TableName: db.table, Item: { ...key(merchantId, customerId), ...bounce } }),
  );
}

/** Goes in the transaction that changes the email address ("email-status"): the new address starts clean. */
export function clearEmailStatus(db: Db, merchantId: string, customerId: string): NamedItem {
  return {
    name: "email-status",
    item: { Delete: { TableName: db.table, Key: key(merchantId, customerId) } },
  };
}

export const STORED_ITEMS = [
  { type: "email-status", sk: "#EMAIL_STATUS", indexes: [] },
] as const satisfies readonly StoredItemType[];
