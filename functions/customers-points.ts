import * as z from "zod";
import { holdLimitOf, holdPoints } from "../shared/alerts/holds.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { adjustPoints, MANUAL_REASONS } from "../shared/transactions/manual.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { Instant, ManualPoints, RecordId, text } from "./http/fields.ts";
import { CustomerPath } from "./http/params.ts";

export const Body = z.strictObject({
  points: ManualPoints,
  reason: z.enum(MANUAL_REASONS),
  note: text(500, { min: 0 }).optional(),
  occurredAt: Instant.optional(),
  locationId: RecordId.optional(),
});

/**
 * POST /v1/customers/{customerId}/points: issue (or deduct) points by hand, e.g. for a missed scan. In hold
 * mode, beyond the merchant's limit, nothing is written but a hold for a second person (202).
 */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  const deps = runtimeDeps();
  const key = request.header("idempotency-key");
  const limit = await holdLimitOf(deps, principal);
  if (limit !== undefined && Math.abs(body.points) > limit) {
    return idempotentResponse(202, await holdPoints(deps, principal, customerId, body, key));
  }
  return idempotentResponse(201, await adjustPoints(deps, principal, customerId, body, key));
});
