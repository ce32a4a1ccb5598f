import * as z from "zod";
import { approveHold } from "../shared/alerts/holds.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { HoldPath } from "./http/params.ts";

export const Body = z.strictObject({}).default({});

/**
 * POST /v1/holds/{holdId}/approve: writes the held manual points (by the requester's name, refs.holdId set);
 * needs alerts:review, and another staff member than the requester.
 */
export const handler = staffHandler(async (request, principal) => {
  const { holdId } = parse(HoldPath, request.event.pathParameters, "path");
  parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await approveHold(runtimeDeps(), principal, holdId, request.header("idempotency-key")),
  );
});
