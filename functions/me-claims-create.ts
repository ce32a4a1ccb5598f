import { z } from "zod";
import { fileClaim } from "../shared/claims/file.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse } from "./http/api.ts";
import { customerHandler } from "./http/customer.ts";
import { RecordId } from "./http/params.ts";

const Body = z.strictObject({
  occurredAt: z.iso.datetime({ offset: true }),
  locationId: RecordId,
  amount: z
    .string()
    .regex(/^\d{1,12}(\.\d{1,4})?$/, "must be a decimal number such as 23.40")
    .optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR")
    .optional(),
  receiptNumber: z.string().trim().min(1).max(64).optional(),
  description: z.string().trim().min(1).max(1000),
});

/**
 * POST /v1/me/claims: points the customer did not receive. Matched against the ledger at once: already
 * credited → `already_credited` with the entry; otherwise `pending` for the merchant, with what the
 * location's rule proposes. The same receipt number twice: 409.
 */
export const handler = customerHandler(async (request, member) => {
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(await fileClaim(runtimeDeps(), member, body, request.header("idempotency-key")));
});
