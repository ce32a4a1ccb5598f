import { requirePermission } from "../shared/auth/principal.ts";
import { notFound } from "../shared/errors.ts";
import { getRedemption, redemptionView } from "../shared/redemptions/store.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RedemptionPath } from "./http/params.ts";

/** GET /v1/redemptions/{redemptionId}: the coupon, its status, and its refund if any. */
export const handler = staffHandler(async (request, principal) => {
  requirePermission(principal, "customers:read");
  const { redemptionId } = parse(RedemptionPath, request.event.pathParameters, "path");
  const redemption = await getRedemption(runtimeDeps().db, principal.merchantId, redemptionId);
  if (!redemption) throw notFound("Redemption");
  return { status: 200, body: { redemption: redemptionView(redemption) } };
});
