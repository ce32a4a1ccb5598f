import type { InitiateAuthCommandInput } from "@aws-sdk/client-cognito-identity-provider";
import { decodeJwt } from "jose";
import { CognitoError, NotAuthorizedError, Targets, UserNotFoundError } from "../cognito-local.ts";
import { assertEnabled, completeAnswer } from "./authentication-result.ts";
import type { GapFill } from "./gap-fill.ts";

const DAY_MS = 24 * 3600_000;

/** Each flow and the ExplicitAuthFlows entry a client needs for it (its legacy name too). */
const FLOW_NEEDS: Record<string, readonly string[]> = {
  USER_PASSWORD_AUTH: ["ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"],
  REFRESH_TOKEN_AUTH: ["ALLOW_REFRESH_TOKEN_AUTH"],
  REFRESH_TOKEN: ["ALLOW_REFRESH_TOKEN_AUTH"],
};

/**
 * InitiateAuth as Cognito does it, where cognito-local does not:
 * - a client signs in only with the flows its ExplicitAuthFlows allow (InvalidParameterException);
 * - the password is checked before anything else, the temporary one included: cognito-local answers
 *   NEW_PASSWORD_REQUIRED to anyone who names a FORCE_CHANGE_PASSWORD user; a wrong one is
 *   NotAuthorizedException "Incorrect username or password." (not cognito-local's InvalidPasswordException),
 *   and an unknown user the same when the client prevents user-existence errors;
 * - a temporary password older than the pool's TemporaryPasswordValidityDays no longer works;
 * - a disabled user is refused ("User is disabled."), on refresh too, and an expired refresh token is refused.
 */
export const initiateAuth: GapFill = (services, sessions) => async (ctx, req: InitiateAuthCommandInput) => {
  const client = await services.cognito.getAppClient(ctx, req.ClientId ?? "");
  if (!client)
    throw new CognitoError("ResourceNotFoundException", `User pool client ${req.ClientId} does not exist.`);
  const flow = req.AuthFlow ?? "";
  const needs = FLOW_NEEDS[flow];
  if (needs && !needs.some((name) => client.ExplicitAuthFlows?.includes(name))) {
    throw new CognitoError(
      "InvalidParameterException",
      `${flow.replace("_AUTH", "")} flow not enabled for this client`,
    );
  }
  const pool = await services.cognito.getUserPoolForClientId(ctx, client.ClientId);
  const params = req.AuthParameters ?? {};
  const base = Targets.InitiateAuth(services);

  if (flow === "USER_PASSWORD_AUTH") {
    const user = await pool.getUserByUsername(ctx, params.USERNAME ?? "");
    if (!user) {
      throw client.PreventUserExistenceErrors === "ENABLED"
        ? new NotAuthorizedError("Incorrect username or password.")
        : new UserNotFoundError("User does not exist.");
    }
    if (user.Password !== params.PASSWORD) throw new NotAuthorizedError("Incorrect username or password.");
    assertEnabled(user);
    const validityDays = pool.options.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays;
    if (
      user.UserStatus === "FORCE_CHANGE_PASSWORD" &&
      validityDays !== undefined &&
      services.clock.get().getTime() - new Date(user.UserLastModifiedDate).getTime() > validityDays * DAY_MS
    ) {
      throw new NotAuthorizedError("Temporary password has expired and must be reset by an administrator.");
    }
    return completeAnswer((await base(ctx, req as never)) as never, user, client.ClientId, sessions);
  }

  if (flow === "REFRESH_TOKEN_AUTH" || flow === "REFRESH_TOKEN") {
    const token = params.REFRESH_TOKEN ?? "";
    const user = token ? await pool.getUserByRefreshToken(ctx, token) : null;
    if (!user) throw new NotAuthorizedError("Invalid Refresh Token");
    assertEnabled(user);
    const { exp } = decodeJwt(token);
    if (exp !== undefined && exp * 1000 < services.clock.get().getTime()) {
      throw new NotAuthorizedError("Refresh Token has expired");
    }
    return completeAnswer((await base(ctx, req as never)) as never, user, client.ClientId, sessions);
  }

  return base(ctx, req as never);
};
