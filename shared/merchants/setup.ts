import { PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { locationSk, merchantPk, merchantSk, programSk, programVersionSk, staffSk } from "../db/keys.ts";
import type { TransactItem } from "../idempotent-write.ts";
import type { Location, Merchant, Program, Staff } from "../model.ts";

/**
 * Creation of a merchant's records; each refuses to overwrite an existing one. The item builders let the
 * API write a record in the same transaction as its Idempotency-Key record.
 */

function putNew(db: Db, pk: string, sk: string, record: object) {
  return {
    TableName: db.table,
    Item: { pk, sk, ...record },
    ConditionExpression: "attribute_not_exists(pk)",
  };
}

const locationPut = (db: Db, location: Location) =>
  putNew(db, merchantPk(location.merchantId), locationSk(location.id), location);
const staffPut = (db: Db, staff: Staff) => putNew(db, merchantPk(staff.merchantId), staffSk(staff.id), staff);

export const locationItem = (db: Db, location: Location): TransactItem => ({
  Put: locationPut(db, location),
});
export const staffItem = (db: Db, staff: Staff): TransactItem => ({ Put: staffPut(db, staff) });

export async function createMerchant(db: Db, merchant: Merchant): Promise<void> {
  await db.client.send(new PutCommand(putNew(db, merchantPk(merchant.id), merchantSk(), merchant)));
}

export async function createLocation(db: Db, location: Location): Promise<void> {
  await db.client.send(new PutCommand(locationPut(db, location)));
}

export async function createStaff(db: Db, staff: Staff): Promise<void> {
  await db.client.send(new PutCommand(staffPut(db, staff)));
}

/**
 * The program as it now stands and an immutable copy of this version, so past explanations stay provable.
 * Version 1 creates the program; a later version replaces the current item only while it is still the
 * previous version, so two concurrent saves can never both become version N+1.
 */
export function programVersionItems(db: Db, program: Program): TransactItem[] {
  const pk = merchantPk(program.merchantId);
  const current = putNew(db, pk, programSk(program.id), program);
  return [
    {
      Put:
        program.version === 1
          ? current
          : {
              ...current,
              ConditionExpression: "#version = :previous",
              ExpressionAttributeNames: { "#version": "version" },
              ExpressionAttributeValues: { ":previous": program.version - 1 },
            },
    },
    { Put: putNew(db, pk, programVersionSk(program.id, program.version), program) },
  ];
}

export async function createProgram(db: Db, program: Program): Promise<void> {
  await db.client.send(new TransactWriteCommand({ TransactItems: programVersionItems(db, program) }));
}
