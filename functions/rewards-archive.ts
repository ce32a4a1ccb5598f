import { archiveReward, rewardView } from "../shared/rewards/catalogue.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RewardPath } from "./http/params.ts";

/** DELETE /v1/rewards/{rewardId}: archives the reward; its redemptions keep their history. */
export const handler = staffHandler(async (request, principal) => {
  const { rewardId } = parse(RewardPath, request.event.pathParameters, "path");
  return {
    status: 200,
    body: { reward: rewardView(await archiveReward(runtimeDeps(), principal, rewardId)) },
  };
});
