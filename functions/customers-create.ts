import { z } from "zod";
import { requirePermission } from "../shared/auth/principal.ts";
import { enrolCustomer } from "../shared/customers/enrol.ts";
import { idempotencyFrom } from "../shared/idempotency.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";

const Body = z.strictObject({
  name: z.string().trim().min(1).max(120),
  phone: z.string().max(40).optional(),
  email: z.string().max(254).optional(),
  locale: z.enum(["fr", "en"]).optional(),
  marketingConsent: z.boolean().optional(),
});

/** POST /v1/customers: enrols a customer (membership, pass serial, barcode, pass token). */
export const handler = staffHandler(async (request, principal) => {
  requirePermission(principal, "customers:write");
  const body = parse(Body, request.json(), "body");
  const idempotency = idempotencyFrom(request.header("idempotency-key"), "customers.create", body);
  return idempotentResponse(await enrolCustomer(runtimeDeps(), principal.merchantId, body, idempotency));
});
