import type { AdminSetUserPasswordCommandInput } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoError, Targets } from "../cognito-local.ts";
import { passwordPolicyViolation } from "../password-policy.ts";
import type { GapFill } from "./gap-fill.ts";

/** AdminSetUserPassword refuses a password that breaks the pool's policy (InvalidPasswordException), as Cognito does. */
export const adminSetUserPassword: GapFill =
  (services) => async (ctx, req: AdminSetUserPasswordCommandInput) => {
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId ?? "");
    const violation = passwordPolicyViolation(req.Password ?? "", pool.options.Policies?.PasswordPolicy);
    if (violation) throw new CognitoError("InvalidPasswordException", violation);
    return Targets.AdminSetUserPassword(services)(ctx, req as never);
  };
