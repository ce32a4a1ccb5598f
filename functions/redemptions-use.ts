import * as z from "zod";
import { useCoupon } from "../shared/redemptions/use.ts";
import { redemptionView } from "../shared/redemptions/view.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RecordId, RedemptionPath } from "./http/params.ts";

export const Body = z.strictObject({ locationId: RecordId });

/** POST /v1/redemptions/{redemptionId}/use: the scanner or till takes the coupon; a second use is a 409. */
export const handler = staffHandler(async (request, principal) => {
  const { redemptionId } = parse(RedemptionPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  const redemption = await useCoupon(runtimeDeps(), principal, redemptionId, body);
  return { status: 200, body: { redemption: redemptionView(redemption) } };
});
