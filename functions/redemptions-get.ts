import { notFound } from "../shared/errors.ts";
import { redemptionView } from "../shared/redemptions/view.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { getRedemption } from "../shared/store/redemptions.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RedemptionPath } from "./http/params.ts";

/** GET /v1/redemptions/{redemptionId}: the coupon, its status, and its refund if any. */
export const handler = staffHandler(async (request, principal) => {
  const { redemptionId } = parse(RedemptionPath, request.event.pathParameters, "path");
  const redemption = await getRedemption(runtimeDeps().db, principal.merchantId, redemptionId);
  if (!redemption) throw notFound("Redemption");
  return { status: 200, body: { redemption: redemptionView(redemption) } };
});
