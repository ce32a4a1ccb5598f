import type { AdminUpdateUserAttributesCommandInput } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoError, Targets, UserNotFoundError } from "../cognito-local.ts";
import type { GapFill } from "./gap-fill.ts";

/**
 * AdminUpdateUserAttributes as Cognito does it: an unknown user is UserNotFoundException (cognito-local says
 * NotAuthorizedException), and in a pool whose users sign in with their e-mail, an address another user
 * holds is AliasExistsException (cognito-local would let two users share it).
 */
export const adminUpdateUserAttributes: GapFill =
  (services) => async (ctx, req: AdminUpdateUserAttributesCommandInput) => {
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId ?? "");
    const user = await pool.getUserByUsername(ctx, req.Username ?? "");
    if (!user) throw new UserNotFoundError("User does not exist.");
    const email = req.UserAttributes?.find((a) => a.Name === "email")?.Value;
    if (email && pool.options.UsernameAttributes?.includes("email")) {
      const holder = await pool.getUserByUsername(ctx, email);
      if (holder && holder.Username !== user.Username) {
        throw new CognitoError("AliasExistsException", "An account with the given email already exists.");
      }
    }
    return Targets.AdminUpdateUserAttributes(services)(ctx, req as never);
  };
