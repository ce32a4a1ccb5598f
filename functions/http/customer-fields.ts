import { z } from "zod";

/** Personal details a PATCH may change, by staff (PATCH /v1/customers/{id}) or by the customer (PATCH /v1/me). */
export const CustomerChangesBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    phone: z.string().max(40).nullable().optional(),
    email: z.string().max(254).nullable().optional(),
    locale: z.enum(["fr", "en"]).optional(),
    marketingConsent: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: "give at least one field to change",
    path: ["body"],
  });
