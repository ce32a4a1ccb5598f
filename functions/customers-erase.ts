import * as z from "zod";
import { eraseCustomer } from "../shared/customers/erase.ts";
import { ValidationError } from "../shared/errors.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { RecordId } from "./http/fields.ts";
import { CustomerPath } from "./http/params.ts";

/** The customer's id typed again: a stray DELETE (a wrong id, a replayed script) erases nobody. */
export const Body = z.strictObject({ confirm: RecordId });

/**
 * DELETE /v1/customers/{customerId}: erases the member's personal data (shared/customers/erase.ts). The
 * balance and ledger stay readable by id; the answer names the member by id only.
 */
export const handler = staffHandler(async (request, principal) => {
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  if (body.confirm !== customerId) {
    throw ValidationError.field("body.confirm", "must repeat the customerId of the path");
  }
  return idempotentResponse(
    200,
    await eraseCustomer(
      runtimeDeps(),
      principal.merchantId,
      customerId,
      { kind: "staff", staffId: principal.staffId },
      request.header("idempotency-key"),
    ),
  );
});
