import * as z from "zod";
import { listCatalogue, rewardView } from "../shared/rewards/catalogue.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { RecordId } from "./http/params.ts";

export const Query = z.strictObject({
  programId: RecordId.optional(),
  status: z.enum(["active", "archived", "all"]).default("active"),
});

/** GET /v1/rewards: the rewards catalogue, active rewards unless `status` says otherwise. */
export const handler = staffHandler(async (request, principal) => {
  const query = parse(Query, request.event.queryStringParameters, "query");
  const rewards = await listCatalogue(runtimeDeps().db, principal, query);
  return { status: 200, body: { rewards: rewards.map(rewardView) } };
});
