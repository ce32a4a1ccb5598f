import * as z from "zod";
import { fileClaim } from "../shared/claims/file.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse } from "./http/api.ts";
import { customerHandler } from "./http/customer.ts";
import { CurrencyCode, DecimalAmount, Instant, text } from "./http/fields.ts";
import { RecordId } from "./http/params.ts";

export const Body = z.strictObject({
  occurredAt: Instant,
  locationId: RecordId,
  amount: DecimalAmount.optional(),
  currency: CurrencyCode.optional(),
  receiptNumber: text(64).optional(),
  description: text(1000),
});

/**
 * POST /v1/me/claims: points the customer did not receive. Matched against the ledger at once: already
 * credited → `already_credited` with the entry; otherwise `pending` for the merchant, with what the
 * location's rule proposes. The same receipt number twice: 409.
 */
export const handler = customerHandler(async (request, member) => {
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await fileClaim(runtimeDeps(), member, body, request.header("idempotency-key")),
  );
});
