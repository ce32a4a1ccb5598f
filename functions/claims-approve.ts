import * as z from "zod";
import { MAX_MANUAL_POINTS } from "../shared/bounds.ts";
import { approveClaim } from "../shared/claims/decide.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { points, text } from "./http/fields.ts";
import { ClaimPath } from "./http/params.ts";

export const Body = z
  .strictObject({
    points: points(1, MAX_MANUAL_POINTS).optional(),
    note: text(500, { min: 0 }).optional(),
  })
  .default({});

/**
 * POST /v1/claims/{claimId}/approve: credits the claim's points (the proposal unless `points` is given) as a
 * manual entry linked to the claim; needs claims:review and points:adjust.
 */
export const handler = staffHandler(async (request, principal) => {
  const { claimId } = parse(ClaimPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await approveClaim(runtimeDeps(), principal, claimId, body, request.header("idempotency-key")),
  );
});
