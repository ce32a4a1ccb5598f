import { z } from "zod";
import { approveClaim } from "../shared/claims/decide.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { ClaimPath } from "./http/params.ts";

const Body = z
  .strictObject({
    points: z.number().int().min(1).max(1_000_000).optional(),
    note: z.string().trim().max(500).optional(),
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
    await approveClaim(runtimeDeps(), principal, claimId, body, request.header("idempotency-key")),
  );
});
