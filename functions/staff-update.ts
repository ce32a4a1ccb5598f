import * as z from "zod";
import { signInDirectoryFromEnv } from "../shared/auth/cognito-directory.ts";
import { updateStaffMember } from "../shared/merchants/staff.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { parse, staffHandler } from "./http/api.ts";
import { Email } from "./http/fields.ts";
import { StaffPath } from "./http/params.ts";
import { DisplayName, LocationIds, NOT_EMPTY_MESSAGE, notEmpty, StaffRole } from "./http/settings-fields.ts";

export const Body = z
  .strictObject({
    name: DisplayName.optional(),
    role: StaffRole.optional(),
    locationIds: LocationIds.optional(),
    active: z.boolean().optional(),
    email: Email.transform((email) => email.toLowerCase()).optional(),
  })
  .refine(notEmpty, { message: NOT_EMPTY_MESSAGE, path: [] });

/**
 * PATCH /v1/staff/{staffId}: renames, changes the role, locations or e-mail, deactivates or reactivates;
 * the member's sign-in follows (shared/merchants/staff.ts).
 */
export const handler = staffHandler(async (request, principal) => {
  const { staffId } = parse(StaffPath, request.event.pathParameters, "path");
  const changes = parse(Body, request.json(), "body");
  return {
    status: 200,
    body: {
      staff: await updateStaffMember(
        { ...runtimeDeps(), directory: signInDirectoryFromEnv() },
        principal,
        staffId,
        changes,
      ),
    },
  };
});
