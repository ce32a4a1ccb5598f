import * as z from "zod";
import { ALERT_COUNT_MAX } from "../shared/alerts/rules.ts";
import { MAX_MANUAL_POINTS } from "../shared/bounds.ts";
import { updateSettings } from "../shared/merchants/settings.ts";
import { MOMENTS } from "../shared/notifications/outbox.ts";
import { ExpiryPolicySchema } from "../shared/programs/rule-schema.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Email, HttpsUrl, PositiveAmount, points, text } from "./http/fields.ts";

/** How many entries a count rule allows in its window before it fires. */
const alertCount = z
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(ALERT_COUNT_MAX, `must be at most ${ALERT_COUNT_MAX}`);

/** Apple's colour syntax, the one pass.json accepts. */
const rgb = z
  .string()
  // Spaces only: \s would let tabs and line breaks through.
  .regex(/^rgb\( *(\d{1,3}) *, *(\d{1,3}) *, *(\d{1,3}) *\)$/, 'must be "rgb(r, g, b)"')
  .refine(
    (text) => (text.match(/\d+/g) ?? []).every((n) => Number(n) <= 255),
    "each component must be 0 to 255",
  );
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export const Body = z
  .strictObject({
    name: text(100).optional(),
    // Beyond it a purchase is refused, with the limit named: a barcode scanned into the amount field.
    maxPurchaseAmount: PositiveAmount.optional(),
    expiry: ExpiryPolicySchema.optional(),
    moments: z.partialRecord(z.enum(MOMENTS), z.boolean()).optional(),
    // Replaces the fraud rules as a whole (shared/alerts/rules.ts); a rule left out is off.
    alertRules: z
      .strictObject({
        customerEarnsPerDay: alertCount.optional(),
        staffEntriesPerHour: alertCount.optional(),
        earnsOutsideHoursPerDay: alertCount.optional(),
        // Below the largest manual entry, or it could never fire.
        manualPointsAbove: points(0, MAX_MANUAL_POINTS - 1).optional(),
        // Hold mode (shared/alerts/holds.ts), bounded the same way.
        holdManualPointsAbove: points(0, MAX_MANUAL_POINTS - 1).optional(),
      })
      .optional(),
    // A PATCH replaces the whole branding: colours left out fall back to the defaults. The logo left out
    // stays as it is; null removes it.
    branding: z
      .strictObject({
        backgroundColor: rgb.optional(),
        foregroundColor: rgb.optional(),
        labelColor: rgb.optional(),
        logoPngBase64: z
          .base64()
          .max(90_000)
          .refine(
            (text) => Buffer.from(text, "base64").subarray(0, 8).equals(PNG_SIGNATURE),
            "must be a PNG image",
          )
          .nullable()
          .optional(),
        contact: z
          .strictObject({
            phone: text(40).optional(),
            email: Email.optional(),
            website: HttpsUrl(300).optional(),
          })
          .optional(),
        termsUrl: HttpsUrl(300).optional(),
      })
      .optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: "give at least one setting to change",
    path: ["body"],
  });

/**
 * PATCH /v1/settings: switch Moments on or off, set the default expiry, the pass branding, the maximum
 * purchase, the fraud rules; rename the merchant.
 */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  return { status: 200, body: { settings: await updateSettings(runtimeDeps().db, principal, body) } };
});
