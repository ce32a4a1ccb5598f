import { z } from "zod";
import { runtimeDeps } from "../shared/runtime.ts";
import { type EarnInput, earnPoints } from "../shared/transactions/earn.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";

const decimalText = z.string().max(32);
const target = {
  barcode: z.string().min(1).max(128).optional(),
  customerId: z.string().min(1).max(64).optional(),
};

const Body = z
  .discriminatedUnion("type", [
    z.strictObject({
      ...target,
      locationId: z.string().min(1).max(64),
      type: z.literal("purchase"),
      amount: decimalText,
      currency: z.string().max(8),
    }),
    z.strictObject({ ...target, locationId: z.string().min(1).max(64), type: z.literal("visit") }),
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
    await earnPoints(runtimeDeps(), principal, body as EarnInput, request.header("idempotency-key")),
  );
});
