import { z } from "zod";
import { updateStaffMember } from "../shared/merchants/staff.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { StaffPath } from "./http/params.ts";
import { DisplayName, LocationIds, NOT_EMPTY_MESSAGE, notEmpty, StaffRole } from "./http/settings-fields.ts";

export const Body = z
  .strictObject({
    name: DisplayName.optional(),
    role: StaffRole.optional(),
    locationIds: LocationIds.optional(),
    active: z.boolean().optional(),
  })
  .refine(notEmpty, { message: NOT_EMPTY_MESSAGE, path: [] });

/** PATCH /v1/staff/{staffId}: renames, changes the role or locations, deactivates or reactivates. */
export const handler = staffHandler(async (request, principal) => {
  const { staffId } = parse(StaffPath, request.event.pathParameters, "path");
  const changes = parse(Body, request.json(), "body");
  return {
    status: 200,
    body: { staff: await updateStaffMember(runtimeDeps(), principal, staffId, changes) },
  };
});
