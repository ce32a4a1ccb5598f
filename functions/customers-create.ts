import * as z from "zod";
import { walletLinks } from "../passes/download-links.ts";
import { enrolCustomer } from "../shared/customers/enrol.ts";
import { idempotencyFrom } from "../shared/idempotency.ts";
import { portalLink } from "../shared/portal/access.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { publicBaseUrl, signingDeps } from "./http/customer.ts";
import { text } from "./http/fields.ts";

export const Body = z.strictObject({
  name: text(120),
  phone: text(40).optional(),
  email: text(254).optional(),
  locale: z.enum(["fr", "en"]).optional(),
  marketingConsent: z.boolean().optional(),
});

/**
 * POST /v1/customers: enrols a customer (membership, pass serial, barcode, pass token). A member the
 * Welcome e-mail will not reach gets their portal link back as `welcome`, for the staff's app to show as
 * a QR code.
 */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  const idempotency = idempotencyFrom(request.header("idempotency-key"), "customers.create", body);
  const deps = signingDeps();
  const welcomeLink = (customer: { merchantId: string; id: string }) =>
    portalLink(deps, publicBaseUrl(request), { merchantId: customer.merchantId, customerId: customer.id });
  return idempotentResponse(
    201,
    await enrolCustomer({ ...deps, walletLinks, welcomeLink }, principal.merchantId, body, idempotency),
  );
});
