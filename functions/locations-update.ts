import * as z from "zod";
import { updateLocation } from "../shared/merchants/locations.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { LocationPath, RecordId } from "./http/params.ts";
import { DisplayName, NOT_EMPTY_MESSAGE, notEmpty } from "./http/settings-fields.ts";

export const Body = z
  .strictObject({ name: DisplayName.optional(), programId: RecordId.optional() })
  .refine(notEmpty, { message: NOT_EMPTY_MESSAGE, path: [] });

/** PATCH /v1/locations/{locationId}: renames a location or moves it to another program. */
export const handler = staffHandler(async (request, principal) => {
  const { locationId } = parse(LocationPath, request.event.pathParameters, "path");
  const changes = parse(Body, request.json(), "body");
  return {
    status: 200,
    body: { location: await updateLocation(runtimeDeps(), principal, locationId, changes) },
  };
});
