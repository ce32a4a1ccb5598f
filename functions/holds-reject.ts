import * as z from "zod";
import { rejectHold } from "../shared/alerts/holds.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { text } from "./http/fields.ts";
import { HoldPath } from "./http/params.ts";

export const Body = z.strictObject({ reason: text(500).optional() }).default({});

/** POST /v1/holds/{holdId}/reject: the held manual points are not credited; needs alerts:review. */
export const handler = staffHandler(async (request, principal) => {
  const { holdId } = parse(HoldPath, request.event.pathParameters, "path");
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    200,
    await rejectHold(runtimeDeps(), principal, holdId, body, request.header("idempotency-key")),
  );
});
