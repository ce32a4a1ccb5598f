import * as z from "zod";
import { refundRedemption } from "../shared/redemptions/refund.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { text } from "./http/fields.ts";
import { RedemptionPath } from "./http/params.ts";

export const Body = z.strictObject({
  force: z.boolean().optional(),
  note: text(500).optional(),
});

/** POST /v1/redemptions/{redemptionId}/refund: cancels a redemption; `outcome` says what became of the coupon. */
export const handler = staffHandler(async (request, principal) => {
  const { redemptionId } = parse(RedemptionPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    200,
    await refundRedemption(runtimeDeps(), principal, redemptionId, body, request.header("idempotency-key")),
  );
});
