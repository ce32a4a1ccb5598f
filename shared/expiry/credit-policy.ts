import { getLocation, getMerchant, getProgram } from "../merchants/directory.ts";
import type { Db } from "../store/db/client.ts";
import { type ExpiryPolicy, NO_EXPIRY } from "./policy.ts";

/**
 * The expiry policy for points credited by hand or given back: the program of the location they are
 * tied to, else the merchant's default. (Points earned at a till take their program's policy directly.)
 */
export async function creditExpiryPolicy(
  db: Db,
  merchantId: string,
  locationId?: string,
): Promise<ExpiryPolicy> {
  if (locationId) {
    const location = await getLocation(db, merchantId, locationId);
    const program = location ? await getProgram(db, merchantId, location.programId) : undefined;
    if (program) return program.expiry ?? NO_EXPIRY;
  }
  return (await getMerchant(db, merchantId))?.expiry ?? NO_EXPIRY;
}
