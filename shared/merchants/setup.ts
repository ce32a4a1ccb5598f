import { PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { locationSk, merchantPk, merchantSk, programSk, programVersionSk, staffSk } from "../db/keys.ts";
import type { Location, Merchant, Program, Staff } from "../model.ts";

/** Creation of a merchant's records; each refuses to overwrite an existing one. */

async function putNew(db: Db, pk: string, sk: string, record: object): Promise<void> {
  await db.client.send(
    new PutCommand({
      TableName: db.table,
      Item: { pk, sk, ...record },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
}

export const createMerchant = (db: Db, merchant: Merchant) =>
  putNew(db, merchantPk(merchant.id), merchantSk(), merchant);

export const createLocation = (db: Db, location: Location) =>
  putNew(db, merchantPk(location.merchantId), locationSk(location.id), location);

export const createStaff = (db: Db, staff: Staff) =>
  putNew(db, merchantPk(staff.merchantId), staffSk(staff.id), staff);

/** The current program and an immutable copy of this version, so past explanations stay provable. */
export async function createProgram(db: Db, program: Program): Promise<void> {
  const pk = merchantPk(program.merchantId);
  await db.client.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: db.table,
            Item: { pk, sk: programSk(program.id), ...program },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        {
          Put: {
            TableName: db.table,
            Item: { pk, sk: programVersionSk(program.id, program.version), ...program },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ],
    }),
  );
}
