import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Permission } from "../../auth/permissions.ts";
import type { Merchant, Role } from "../../model.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { setExpression } from "../db/set-expression.ts";
import type { NamedItem } from "../db/transact.ts";
import { newRecordItem, readRecord, recordKey } from "./partition.ts";

/** The merchant's record (`#MERCHANT` in its partition): name, currency, settings, role permissions. */
export const merchantSk = () => "#MERCHANT";

export const readMerchant = (db: Db, merchantId: string, consistent: boolean) =>
  readRecord<Merchant>(db, merchantId, merchantSk(), consistent);

/** A new merchant ("merchant"). */
export const newMerchantItem = (db: Db, merchant: Merchant): NamedItem =>
  newRecordItem(db, "merchant", merchant.id, merchantSk(), merchant);

/** Settings a merchant changes in place; each one left undefined is kept. */
export type MerchantChanges = Partial<
  Pick<Merchant, "name" | "expiry" | "moments" | "branding" | "maxPurchaseAmount" | "alertRules">
>;

/** Sets what was given, on an existing merchant only (a condition failure says it has no record). */
export async function updateMerchant(db: Db, merchantId: string, changes: MerchantChanges): Promise<void> {
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: recordKey(merchantId, merchantSk()),
      ...setExpression(changes),
      ConditionExpression: "attribute_exists(pk)",
    }),
  );
}

/**
 * Makes a pending merchant active; true when this call did (false: it was active already, or is not there).
 */
export async function activateMerchant(db: Db, merchantId: string, at: string): Promise<boolean> {
  try {
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: recordKey(merchantId, merchantSk()),
        UpdateExpression: "SET #status = :active, activatedAt = :at",
        ConditionExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":active": "active", ":pending": "pending", ":at": at },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}

/** Sets one role's permissions at the merchant, leaving the other roles' as they are. */
export async function saveRolePermissions(
  db: Db,
  merchantId: string,
  role: Exclude<Role, "owner">,
  permissions: readonly Permission[],
): Promise<void> {
  const Key = recordKey(merchantId, merchantSk());
  // Two writes, each idempotent: a map member can only be set once the map exists, and setting the
  // member rather than the whole map keeps a concurrent change to the other role.
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key,
      UpdateExpression: "SET rolePermissions = if_not_exists(rolePermissions, :none)",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":none": {} },
    }),
  );
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key,
      UpdateExpression: "SET rolePermissions.#role = :permissions",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeNames: { "#role": role },
      ExpressionAttributeValues: { ":permissions": permissions },
    }),
  );
}

export const STORED_ITEMS = [
  { type: "merchant", sk: "#MERCHANT", indexes: [] },
] as const satisfies readonly StoredItemType[];
