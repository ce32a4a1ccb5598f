import * as z from "zod";
import { updateLocation } from "../shared/merchants/locations.ts";
import { OpeningHoursSchema } from "../shared/merchants/opening-hours.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { LocationPath, RecordId } from "./http/params.ts";
import { DisplayName, NOT_EMPTY_MESSAGE, notEmpty } from "./http/settings-fields.ts";

export const Body = z
  .strictObject({
    name: DisplayName.optional(),
    programId: RecordId.optional(),
    // Replaces the hours as a whole.
    openingHours: OpeningHoursSchema.optional(),
  })
  .refine(notEmpty, { message: NOT_EMPTY_MESSAGE, path: [] });

/** PATCH /v1/locations/{locationId}: renames a location, moves it to another program, sets its opening hours. */
export const handler = staffHandler(async (request, principal) => {
  const { locationId } = parse(LocationPath, request.event.pathParameters, "path");
  const changes = parse(Body, request.json(), "body");
  return {
    status: 200,
    body: { location: await updateLocation(runtimeDeps(), principal, locationId, changes) },
  };
});
