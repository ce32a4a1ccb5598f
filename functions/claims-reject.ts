import * as z from "zod";
import { rejectClaim } from "../shared/claims/decide.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { text } from "./http/fields.ts";
import { ClaimPath } from "./http/params.ts";

export const Body = z.strictObject({ reason: text(500) });

/** POST /v1/claims/{claimId}/reject: closes the claim with a reason the customer is told. */
export const handler = staffHandler(async (request, principal) => {
  const { claimId } = parse(ClaimPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    200,
    await rejectClaim(runtimeDeps(), principal, claimId, body, request.header("idempotency-key")),
  );
});
