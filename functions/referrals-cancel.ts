import * as z from "zod";
import { idempotencyFrom } from "../shared/idempotency.ts";
import { cancelReferralByStaff } from "../shared/referrals/cancel.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RecordId } from "./http/fields.ts";

export const ReferralPath = z.object({ referralId: RecordId });

/**
 * POST /v1/referrals/{referralId}/cancel: the referral is cancelled and each reward it paid is taken back
 * (never below zero). The Idempotency-Key is required like on every write; the cancellation itself is
 * keyed per referral, so a retry (with this key or another) takes nothing twice and answers the same.
 */
export const handler = staffHandler(async (request, principal) => {
  const { referralId } = parse(ReferralPath, request.event.pathParameters, "path");
  idempotencyFrom(request.header("idempotency-key"), "referrals.cancel", { referralId });
  return { status: 200, body: await cancelReferralByStaff(runtimeDeps(), principal, referralId) };
});
