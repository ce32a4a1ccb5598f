import { z } from "zod";
import { runtimeDeps } from "../shared/runtime.ts";
import { reversePurchase } from "../shared/transactions/reverse.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { TransactionPath } from "./http/params.ts";

const Body = z.strictObject({ amount: z.string().max(32).optional() });

/** POST /v1/transactions/{transactionId}/reverse: a purchase return takes back the points it earned. */
export const handler = staffHandler(async (request, principal) => {
  const { transactionId } = parse(TransactionPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    await reversePurchase(runtimeDeps(), principal, transactionId, body, request.header("idempotency-key")),
  );
});
