import * as z from "zod";
import { addLocation } from "../shared/merchants/locations.ts";
import { OpeningHoursSchema } from "../shared/merchants/opening-hours.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { RecordId } from "./http/params.ts";
import { DisplayName } from "./http/settings-fields.ts";

export const Body = z.strictObject({
  name: DisplayName,
  programId: RecordId,
  openingHours: OpeningHoursSchema.optional(),
});

/** POST /v1/locations: a new location, earning with an existing program. */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await addLocation(runtimeDeps(), principal, body, request.header("idempotency-key")),
  );
});
