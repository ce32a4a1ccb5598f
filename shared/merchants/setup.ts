import type { Location, Merchant, Program, Staff } from "../model.ts";
import type { Db } from "../store/db/client.ts";
import { transact } from "../store/db/transact.ts";
import { newLocationItem } from "../store/merchants/locations.ts";
import { newMerchantItem } from "../store/merchants/merchant.ts";
import { saveProgramVersion } from "../store/merchants/programs.ts";
import { newStaffItem } from "../store/merchants/staff.ts";

/**
 * A merchant's records written directly, for seeding (the local stack's demo, test stacks): no client
 * retries these, so there is no Idempotency-Key; each refuses to overwrite an existing record. The API
 * creates them through createOnce (./create-once.ts) instead.
 */

export const createMerchant = (db: Db, merchant: Merchant) => transact(db, [newMerchantItem(db, merchant)]);

export const createLocation = (db: Db, location: Location) => transact(db, [newLocationItem(db, location)]);

export const createStaff = (db: Db, staff: Staff) => transact(db, [newStaffItem(db, staff)]);

/** Version 1 of a program, with its immutable copy. */
export const createProgram = (db: Db, program: Program) => saveProgramVersion(db, program);
