import * as z from "zod";
import { redeemReward } from "../shared/redemptions/redeem.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { RecordId } from "./http/params.ts";

export const Body = z.strictObject({ customerId: RecordId, rewardId: RecordId, locationId: RecordId });

/** POST /v1/redemptions: a customer spends points on a reward and gets a coupon code. */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await redeemReward(runtimeDeps(), principal, body, request.header("idempotency-key")),
  );
});
