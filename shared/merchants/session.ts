import type { Principal } from "../auth/principal.ts";
import type { Db } from "../store/db/client.ts";
import { getMerchant, getStaff } from "./directory.ts";
import { staffView } from "./views.ts";

/**
 * Who the signed-in staff member is and what they may do, as the table says now: what a staff app needs to
 * offer only what the API will accept (a role without `points:adjust` sees no "Issue points"). The API still
 * checks every request; this only spares people buttons that would be refused.
 */
export async function staffSession(deps: { db: Db }, principal: Principal) {
  const [staff, merchant] = await Promise.all([
    getStaff(deps.db, principal.merchantId, principal.staffId),
    getMerchant(deps.db, principal.merchantId),
  ]);
  if (!staff || !merchant) throw new Error("the principal's staff or merchant record vanished");
  return {
    staff: staffView(staff),
    permissions: [...principal.permissions].sort(),
    merchant: {
      id: merchant.id,
      name: merchant.name,
      country: merchant.country,
      currency: merchant.currency,
      locale: merchant.locale ?? null,
    },
  };
}
