import type { AdminUserGlobalSignOutCommandInput } from "@aws-sdk/client-cognito-identity-provider";
import { UserNotFoundError } from "../cognito-local.ts";
import type { GapFill } from "./gap-fill.ts";

/**
 * AdminUserGlobalSignOut, which cognito-local lacks. Cognito "no longer accepts a signed-out user's refresh
 * tokens in refresh requests" (API reference); access tokens stay valid until they expire for anything but
 * Cognito's own user API, and API Gateway's JWT authorizer does not ask Cognito, so neither does the local
 * gateway: the API refuses a deactivated member through the staff record instead.
 */
export const adminUserGlobalSignOut: GapFill =
  (services) => async (ctx, req: AdminUserGlobalSignOutCommandInput) => {
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId ?? "");
    const user = await pool.getUserByUsername(ctx, req.Username ?? "");
    if (!user) throw new UserNotFoundError("User does not exist.");
    await pool.saveUser(ctx, { ...user, RefreshTokens: [], UserLastModifiedDate: services.clock.get() });
    return {};
  };
