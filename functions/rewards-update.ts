import * as z from "zod";
import { rewardView, updateReward } from "../shared/rewards/catalogue.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RewardPath } from "./http/params.ts";
import { RewardDiscount, RewardPoints } from "./http/reward-fields.ts";
import { DisplayName, NOT_EMPTY_MESSAGE, notEmpty } from "./http/settings-fields.ts";

export const Body = z
  .strictObject({
    name: DisplayName.optional(),
    points: RewardPoints.optional(),
    discount: RewardDiscount.optional(),
  })
  .refine(notEmpty, { message: NOT_EMPTY_MESSAGE, path: [] });

/** PATCH /v1/rewards/{rewardId}: name, cost or discount; the program and the issuer stay. */
export const handler = staffHandler(async (request, principal) => {
  const { rewardId } = parse(RewardPath, request.event.pathParameters, "path");
  const changes = parse(Body, request.json(), "body");
  return {
    status: 200,
    body: { reward: rewardView(await updateReward(runtimeDeps(), principal, rewardId, changes)) },
  };
});
