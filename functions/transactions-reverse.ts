import * as z from "zod";
import { runtimeDeps } from "../shared/runtime.ts";
import { reversePurchase } from "../shared/transactions/reverse.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { DecimalAmount } from "./http/fields.ts";
import { TransactionPath } from "./http/params.ts";

export const Body = z.strictObject({ amount: DecimalAmount.optional() });

/** POST /v1/transactions/{transactionId}/reverse: a purchase return takes back the points it earned. */
export const handler = staffHandler(async (request, principal) => {
  const { transactionId } = parse(TransactionPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await reversePurchase(runtimeDeps(), principal, transactionId, body, request.header("idempotency-key")),
  );
});
