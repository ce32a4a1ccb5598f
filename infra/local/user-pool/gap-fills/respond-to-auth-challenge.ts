import type { RespondToAuthChallengeCommandInput } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoError, NotAuthorizedError, Targets } from "../cognito-local.ts";
import { passwordPolicyViolation } from "../password-policy.ts";
import { withSource } from "../pre-token-v2.ts";
import { assertEnabled, completeAnswer } from "./authentication-result.ts";
import type { GapFill } from "./gap-fill.ts";

/**
 * RespondToAuthChallenge as Cognito does it, where cognito-local does not:
 * - the Session must be the one InitiateAuth (or the previous answer) gave for this user, client and
 *   challenge, once (NotAuthorizedException otherwise): cognito-local takes any Session;
 * - a disabled user is refused ("User is disabled.");
 * - NEW_PASSWORD_REQUIRED: the new password must meet the pool's policy (InvalidPasswordException), the
 *   tokens are made for the trigger source TokenGeneration_NewPasswordChallenge, and the refresh token is
 *   kept so that it works (cognito-local keeps it only for InitiateAuth).
 */
export const respondToAuthChallenge: GapFill =
  (services, sessions) => async (ctx, req: RespondToAuthChallengeCommandInput) => {
    const clientId = req.ClientId ?? "";
    const challenge = sessions.take(req.Session, clientId, req.ChallengeName);
    const pool = await services.cognito.getUserPoolForClientId(ctx, clientId);
    const user = await pool.getUserByUsername(ctx, req.ChallengeResponses?.USERNAME ?? "");
    if (!user || user.Username !== challenge.username) {
      throw new NotAuthorizedError("Invalid session for the user.");
    }
    assertEnabled(user);
    const newPassword = req.ChallengeName === "NEW_PASSWORD_REQUIRED";
    if (newPassword) {
      const violation = passwordPolicyViolation(
        req.ChallengeResponses?.NEW_PASSWORD ?? "",
        pool.options.Policies?.PasswordPolicy,
      );
      if (violation) throw new CognitoError("InvalidPasswordException", violation);
    }
    const target = Targets.RespondToAuthChallenge(
      newPassword
        ? { ...services, tokenGenerator: withSource(services.tokenGenerator, "NewPasswordChallenge") }
        : services,
    );
    const answer = (await target(ctx, req as never)) as Parameters<typeof completeAnswer>[0];
    const refreshToken = answer.AuthenticationResult?.RefreshToken;
    if (typeof refreshToken === "string") {
      // Read again: the target has just saved the new password and status.
      const current = await pool.getUserByUsername(ctx, user.Username);
      if (current) await pool.storeRefreshToken(ctx, refreshToken, current);
    }
    return completeAnswer(answer, user, clientId, sessions);
  };
