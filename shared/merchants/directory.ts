import type { Location, Program } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { readLocation } from "../store/merchants/locations.ts";
import { readMerchant } from "../store/merchants/merchant.ts";
import { readProgram } from "../store/merchants/programs.ts";
import { readStaff } from "../store/merchants/staff.ts";
import { readReward } from "../store/rewards.ts";
import { containerDirectory, type DirectoryCache } from "./directory-cache.ts";

/**
 * Reads of a merchant's own records, with the consistency each use needs (the stores under
 * shared/store/merchants/ and shared/store/rewards.ts hold the items). Every read is keyed by the merchant,
 * so nothing crosses merchants.
 */

export const getMerchant = (db: Db, merchantId: string, consistent = false) =>
  readMerchant(db, merchantId, consistent);

export const getLocation = (db: Db, merchantId: string, locationId: string) =>
  readLocation(db, merchantId, locationId, false);

/** `consistent` for a read that a conditional write will build on, so it does not start from a stale version. */
export const getProgram = (db: Db, merchantId: string, programId: string, consistent = false) =>
  readProgram(db, merchantId, programId, consistent);

/**
 * For the earn, which reads both on every scan: up to DIRECTORY_CACHE_TTL_MS old (./directory-cache.ts).
 * Not for a write that builds on the record, nor for staff or the merchant, which must be current.
 */
export const getLocationCached = (
  db: Db,
  merchantId: string,
  locationId: string,
  cache: DirectoryCache = containerDirectory,
): Promise<Location | undefined> =>
  cache.get(merchantId, "location", locationId, () => getLocation(db, merchantId, locationId));

export const getProgramCached = (
  db: Db,
  merchantId: string,
  programId: string,
  cache: DirectoryCache = containerDirectory,
): Promise<Program | undefined> =>
  cache.get(merchantId, "program", programId, () => getProgram(db, merchantId, programId));

/** Archived ones included; `consistent` for a refund deciding whether the reward still exists. */
export const getReward = (db: Db, merchantId: string, rewardId: string, consistent = false) =>
  readReward(db, merchantId, rewardId, consistent);

/** Read consistently: a deactivation must take effect on the very next request. */
export const getStaff = (db: Db, merchantId: string, staffId: string) =>
  readStaff(db, merchantId, staffId, true);

/** A barcode belongs to a customer: its claim is the customers store's. */
export { findCustomerIdByBarcode } from "../store/customers/contacts.ts";
/*
 * A merchant has tens of staff, locations and programs, not thousands: these lists are read whole,
 * in sort-key (id) order, consistently.
 */
export { listLocations } from "../store/merchants/locations.ts";
export { listPrograms, listProgramVersions } from "../store/merchants/programs.ts";
export { listStaff } from "../store/merchants/staff.ts";
export { listRewards } from "../store/rewards.ts";
