import * as z from "zod";
import { idempotencyFrom } from "../shared/idempotency.ts";
import { cancelReferralByStaff } from "../shared/referrals/cancel.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RecordId } from "./http/fields.ts";

export const ReferralPath = z.object({ referralId: RecordId });

/**
 * POST /v1/referrals/{referralId}/cancel: the referral is cancelled and each reward it paid is taken back
 * (never below zero). The Idempotency-Key is required and kept like on every write (a replay answers the
 * first response); the cancellation itself is keyed per referral, so even another key takes nothing twice.
 */
export const handler = staffHandler(async (request, principal) => {
  const { referralId } = parse(ReferralPath, request.event.pathParameters, "path");
  const idempotency = idempotencyFrom(request.header("idempotency-key"), "referrals.cancel", { referralId });
  return {
    status: 200,
    body: await cancelReferralByStaff(runtimeDeps(), principal, referralId, idempotency),
  };
});
