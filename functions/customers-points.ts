import { z } from "zod";
import { runtimeDeps } from "../shared/runtime.ts";
import { adjustPoints, MANUAL_REASONS } from "../shared/transactions/manual.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { CustomerPath } from "./http/params.ts";

const Body = z.strictObject({
  points: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((n) => n !== 0, "must not be zero"),
  reason: z.enum(MANUAL_REASONS),
  note: z.string().trim().max(500).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  locationId: z.string().min(1).max(64).optional(),
});

/** POST /v1/customers/{customerId}/points: issue (or deduct) points by hand, e.g. for a missed scan. */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    await adjustPoints(runtimeDeps(), principal, customerId, body, request.header("idempotency-key")),
  );
});
