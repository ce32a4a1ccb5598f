import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import { barcodePk, barcodeSk, locationSk, merchantPk, merchantSk, programSk, staffSk } from "../db/keys.ts";
import type { Location, Merchant, Program, Staff } from "../model.ts";

/** Reads of a merchant's own records. Every read is keyed by the merchant, so nothing crosses merchants. */

async function getItem<T>(db: Db, pk: string, sk: string, consistent = false): Promise<T | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk, sk }, ConsistentRead: consistent }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = Item;
  return rest as T;
}

export const getMerchant = (db: Db, merchantId: string) =>
  getItem<Merchant>(db, merchantPk(merchantId), merchantSk());

export const getLocation = (db: Db, merchantId: string, locationId: string) =>
  getItem<Location>(db, merchantPk(merchantId), locationSk(locationId));

export const getProgram = (db: Db, merchantId: string, programId: string) =>
  getItem<Program>(db, merchantPk(merchantId), programSk(programId));

/** Read consistently: a deactivation must take effect on the very next request. */
export const getStaff = (db: Db, merchantId: string, staffId: string) =>
  getItem<Staff>(db, merchantPk(merchantId), staffSk(staffId), true);

export async function findCustomerIdByBarcode(db: Db, merchantId: string, barcode: string) {
  const item = await getItem<{ customerId: string }>(db, barcodePk(merchantId, barcode), barcodeSk());
  return item?.customerId;
}
