import { z } from "zod";
import { updateSettings } from "../shared/merchants/settings.ts";
import { MOMENTS } from "../shared/notifications/outbox.ts";
import { ExpiryPolicySchema } from "../shared/programs/rule-schema.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";

const Body = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    expiry: ExpiryPolicySchema.optional(),
    moments: z.partialRecord(z.enum(MOMENTS), z.boolean()).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: "give at least one setting to change",
    path: ["body"],
  });

/** PATCH /v1/settings: switch Moments on or off, set the default expiry, rename the merchant. */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  return { status: 200, body: { settings: await updateSettings(runtimeDeps().db, principal, body) } };
});
