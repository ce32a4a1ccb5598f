import * as z from "zod";
import { text } from "./fields.ts";

/** Personal details a PATCH may change, by staff (PATCH /v1/customers/{id}) or by the customer (PATCH /v1/me). */
export const CustomerChangesBody = z
  .strictObject({
    name: text(120).optional(),
    phone: text(40).nullable().optional(),
    email: text(254).nullable().optional(),
    locale: z.enum(["fr", "en"]).optional(),
    marketingConsent: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: "give at least one field to change",
    path: ["body"],
  });
