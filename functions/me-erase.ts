import * as z from "zod";
import { eraseCustomer } from "../shared/customers/erase.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse } from "./http/api.ts";
import { customerHandler } from "./http/customer.ts";

/** The portal sends it only after the member confirmed on the page; without it nothing is erased. */
export const Body = z.strictObject({ confirm: z.literal("erase") });

/**
 * DELETE /v1/me: the member erases their own personal data from the portal. The portal link stops working
 * at once (every link of the membership is revoked), so the page shows the answer and nothing more.
 */
export const handler = customerHandler(async (request, member) => {
  parse(Body, request.json(), "body");
  return idempotentResponse(
    200,
    await eraseCustomer(
      runtimeDeps(),
      member.merchantId,
      member.customerId,
      { kind: "member" },
      request.header("idempotency-key"),
    ),
  );
});
