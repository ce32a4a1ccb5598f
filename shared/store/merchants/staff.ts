import type { Staff } from "../../model.ts";
import type { Db } from "../db/client.ts";
import type { StoredItemType } from "../db/item-types.ts";
import { setExpression } from "../db/set-expression.ts";
import type { NamedItem } from "../db/transact.ts";
import { newRecordItem, readRecord, readRecordItems, recordFromItem, recordKey } from "./partition.ts";

/** A merchant's staff members (`STAFF#<id>` in its partition): role, locations, whether active. */
const PREFIX = "STAFF#";
export const staffSk = (staffId: string) => `${PREFIX}${staffId}`;

export const readStaff = (db: Db, merchantId: string, staffId: string, consistent: boolean) =>
  readRecord<Staff>(db, merchantId, staffSk(staffId), consistent);

export const listStaff = async (db: Db, merchantId: string): Promise<Staff[]> =>
  (await readRecordItems(db, merchantId, PREFIX)).map((item) => recordFromItem<Staff>(item));

/** A new staff member ("staff"). */
export const newStaffItem = (db: Db, staff: Staff): NamedItem =>
  newRecordItem(db, "staff", staff.merchantId, staffSk(staff.id), staff);

export type StaffChanges = Partial<
  Pick<Staff, "name" | "role" | "locationIds" | "active" | "email" | "signInUser" | "updatedAt">
>;

/** Changes a member ("staff"), on condition that their role and active flag are still those read. */
export function staffChangeItem(db: Db, before: Staff, changes: StaffChanges): NamedItem {
  const set = setExpression(changes);
  return {
    name: "staff",
    item: {
      Update: {
        TableName: db.table,
        Key: recordKey(before.merchantId, staffSk(before.id)),
        UpdateExpression: set.UpdateExpression,
        ConditionExpression: "#wasRole = :wasRole AND #wasActive = :wasActive",
        ExpressionAttributeNames: {
          ...set.ExpressionAttributeNames,
          "#wasRole": "role",
          "#wasActive": "active",
        },
        ExpressionAttributeValues: {
          ...set.ExpressionAttributeValues,
          ":wasRole": before.role,
          ":wasActive": before.active,
        },
      },
    },
  };
}

/** Holds only while this member is still an active owner ("active-owner"); writes nothing. */
export function activeOwnerCheck(db: Db, merchantId: string, staffId: string): NamedItem {
  return {
    name: "active-owner",
    item: {
      ConditionCheck: {
        TableName: db.table,
        Key: recordKey(merchantId, staffSk(staffId)),
        ConditionExpression: "#role = :owner AND #active = :true",
        ExpressionAttributeNames: { "#role": "role", "#active": "active" },
        ExpressionAttributeValues: { ":owner": "owner", ":true": true },
      },
    },
  };
}

export const STORED_ITEMS = [
  { type: "staff", sk: "STAFF#<id>", indexes: [] },
] as const satisfies readonly StoredItemType[];
