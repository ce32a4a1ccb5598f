import * as z from "zod";
import { createReward } from "../shared/rewards/catalogue.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { RecordId } from "./http/params.ts";
import { RewardDiscount, RewardPoints } from "./http/reward-fields.ts";
import { DisplayName } from "./http/settings-fields.ts";

export const Body = z.strictObject({
  programId: RecordId,
  name: DisplayName,
  points: RewardPoints,
  discount: RewardDiscount,
  issuer: z.enum(["internal", "external"]).default("internal"),
});

/** POST /v1/rewards: a reward of a program's catalogue. */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await createReward(runtimeDeps(), principal, body, request.header("idempotency-key")),
  );
});
