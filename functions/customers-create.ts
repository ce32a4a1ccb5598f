import { z } from "zod";
import { walletLinks } from "../passes/download-links.ts";
import { enrolCustomer } from "../shared/customers/enrol.ts";
import { idempotencyFrom } from "../shared/idempotency.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { text } from "./http/fields.ts";

export const Body = z.strictObject({
  name: text(120),
  phone: text(40).optional(),
  email: text(254).optional(),
  locale: z.enum(["fr", "en"]).optional(),
  marketingConsent: z.boolean().optional(),
});

/** POST /v1/customers: enrols a customer (membership, pass serial, barcode, pass token). */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  const idempotency = idempotencyFrom(request.header("idempotency-key"), "customers.create", body);
  return idempotentResponse(
    201,
    await enrolCustomer({ ...runtimeDeps(), walletLinks }, principal.merchantId, body, idempotency),
  );
});
