import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.ts";
import {
  barcodePk,
  barcodeSk,
  LOCATION_PREFIX,
  locationSk,
  merchantPk,
  merchantSk,
  PROGRAM_PREFIX,
  programSk,
  programVersionPrefix,
  programVersionSk,
  REWARD_PREFIX,
  rewardSk,
  STAFF_PREFIX,
  staffSk,
  VERSION_DIGITS,
} from "../db/keys.ts";
import { numberedPage } from "../db/numbered-page.ts";
import { queryAll } from "../db/query-all.ts";
import type { Location, Merchant, Program, Reward, Staff } from "../model.ts";

/** Reads of a merchant's own records. Every read is keyed by the merchant, so nothing crosses merchants. */

function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

async function getItem<T>(db: Db, pk: string, sk: string, consistent = false): Promise<T | undefined> {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.table, Key: { pk, sk }, ConsistentRead: consistent }),
  );
  return Item ? withoutKeys<T>(Item) : undefined;
}

/** Every item of the merchant's partition under a prefix, read consistently: a settings screen shows what was just saved. */
const queryPrefix = (db: Db, merchantId: string, prefix: string) =>
  queryAll(db, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": merchantPk(merchantId), ":prefix": prefix },
    ConsistentRead: true,
  });

export const getMerchant = (db: Db, merchantId: string, consistent = false) =>
  getItem<Merchant>(db, merchantPk(merchantId), merchantSk(), consistent);

export const getLocation = (db: Db, merchantId: string, locationId: string) =>
  getItem<Location>(db, merchantPk(merchantId), locationSk(locationId));

/** `consistent` for a read that a conditional write will build on, so it does not start from a stale version. */
export const getProgram = (db: Db, merchantId: string, programId: string, consistent = false) =>
  getItem<Program>(db, merchantPk(merchantId), programSk(programId), consistent);

/** Archived ones included; `consistent` for a refund deciding whether the reward still exists. */
export const getReward = (db: Db, merchantId: string, rewardId: string, consistent = false) =>
  getItem<Reward>(db, merchantPk(merchantId), rewardSk(rewardId), consistent);

/** Read consistently: a deactivation must take effect on the very next request. */
export const getStaff = (db: Db, merchantId: string, staffId: string) =>
  getItem<Staff>(db, merchantPk(merchantId), staffSk(staffId), true);

export async function findCustomerIdByBarcode(db: Db, merchantId: string, barcode: string) {
  const item = await getItem<{ customerId: string }>(db, barcodePk(merchantId, barcode), barcodeSk());
  return item?.customerId;
}

/*
 * A merchant has tens of staff, locations and programs, not thousands: these lists are read whole,
 * in sort-key (id) order.
 */

export const listStaff = async (db: Db, merchantId: string) =>
  (await queryPrefix(db, merchantId, STAFF_PREFIX)).map((item) => withoutKeys<Staff>(item));

export const listLocations = async (db: Db, merchantId: string) =>
  (await queryPrefix(db, merchantId, LOCATION_PREFIX)).map((item) => withoutKeys<Location>(item));

/** Archived rewards included: redemptions made before the deletion still point at them. */
export const listRewards = async (db: Db, merchantId: string) =>
  (await queryPrefix(db, merchantId, REWARD_PREFIX)).map((item) => withoutKeys<Reward>(item));

/** Current programs only: their version items share the prefix and are left out. */
export const listPrograms = async (db: Db, merchantId: string) =>
  (await queryPrefix(db, merchantId, PROGRAM_PREFIX))
    .filter((item) => item.sk === programSk(String(item.id)))
    .map((item) => withoutKeys<Program>(item));

export interface ProgramVersionPage {
  versions: Program[];
  nextCursor: string | null;
}

/** A program's saved versions, newest first. */
export async function listProgramVersions(
  db: Db,
  merchantId: string,
  programId: string,
  page: { limit: number; cursor?: string },
): Promise<ProgramVersionPage> {
  const result = await numberedPage(
    db,
    {
      pk: merchantPk(merchantId),
      prefix: programVersionPrefix(programId),
      skOf: (version) => programVersionSk(programId, version),
      digits: VERSION_DIGITS,
      numberOf: (item) => item.version as number,
      consistent: true,
    },
    page,
  );
  return { versions: result.items.map((item) => withoutKeys<Program>(item)), nextCursor: result.nextCursor };
}
