import { signInDirectoryFromEnv } from "../shared/auth/cognito-directory.ts";
import { inviteStaffMember } from "../shared/merchants/staff.ts";
import { runtimeDeps } from "../shared/runtime.ts";
import { idempotentResponse, parse, staffHandler } from "./http/api.ts";
import { StaffPath } from "./http/params.ts";

/** POST /v1/staff/{staffId}/invite: the invitation e-mail again, or a first sign-in for a member who has none. */
export const handler = staffHandler(async (request, principal) => {
  const { staffId } = parse(StaffPath, request.event.pathParameters, "path");
  return idempotentResponse(
    200,
    await inviteStaffMember(
      { ...runtimeDeps(), directory: signInDirectoryFromEnv() },
      principal,
      staffId,
      request.header("idempotency-key"),
    ),
  );
});
