import * as z from "zod";
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

/** POST /v1/customers/{customerId}/points: issue (or deduct) points by hand, e.g. for a missed scan. */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await adjustPoints(runtimeDeps(), principal, customerId, body, request.header("idempotency-key")),
  );
});
