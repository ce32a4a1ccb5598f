import * as z from "zod";
import { signInDirectoryFromEnv } from "../shared/auth/cognito-directory.ts";
import { addStaffMember } from "../shared/merchants/staff.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { Email } from "./http/fields.ts";
import { DisplayName, LocationIds, StaffRole } from "./http/settings-fields.ts";

export const Body = z.strictObject({
  name: DisplayName,
  role: StaffRole,
  locationIds: LocationIds,
  email: Email.transform((email) => email.toLowerCase()).optional(),
});

/** POST /v1/staff: adds a staff member, active at once; with an e-mail, their sign-in and its invitation. */
export const handler = staffHandler(async (request, principal) => {
  const body = parse(Body, request.json(), "body");
  return idempotentResponse(
    201,
    await addStaffMember(
      { ...runtimeDeps(), directory: signInDirectoryFromEnv() },
      principal,
      body,
      request.header("idempotency-key"),
    ),
  );
});
