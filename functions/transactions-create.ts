import * as z from "zod";
import { runtimeDeps } from "../shared/runtime.ts";
import { type EarnInput, earnPoints } from "../shared/transactions/earn.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { Barcode, CurrencyCode, DecimalAmount, RecordId } from "./http/fields.ts";

const target = {
  barcode: Barcode.optional(),
  customerId: RecordId.optional(),
};

export const Body = z
  .discriminatedUnion("type", [
    z.strictObject({
      ...target,
      locationId: RecordId,
      type: z.literal("purchase"),
      amount: DecimalAmount,
      currency: CurrencyCode,
    }),
    z.strictObject({ ...target, locationId: RecordId, type: z.literal("visit") }),
  ])
  .superRefine((body, ctx) => {
    if ((body.barcode === undefined) === (body.customerId === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["barcode"],
        message: "give either barcode or customerId, not both",
      });
    }
  });

/** POST /v1/transactions: the scanner issues points for a purchase or a visit. */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await earnPoints(runtimeDeps(), principal, body as EarnInput, request.header("idempotency-key")),
  );
});
