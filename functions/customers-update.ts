import { z } from "zod";
import { requirePermission } from "../shared/auth/principal.ts";
import { updateCustomer } from "../shared/customers/update.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { CustomerPath } from "./http/params.ts";

const Body = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    phone: z.string().max(40).nullable().optional(),
    email: z.string().max(254).nullable().optional(),
    locale: z.enum(["fr", "en"]).optional(),
    marketingConsent: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one field to change", path: ["body"] });

/** PATCH /v1/customers/{customerId}: personal details; each change is recorded in the audit trail. */
export const handler = staffHandler(async (request, principal) => {
  requirePermission(principal, "customers:write");
  const { customerId } = parse(CustomerPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  const result = await updateCustomer(runtimeDeps(), principal.merchantId, customerId, principal.staffId, body);
  return { status: 200, body: result };
});
