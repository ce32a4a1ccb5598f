import type { AuthSessions } from "../auth-sessions.ts";
import type { Router, Services } from "../cognito-local.ts";
import { adminCreateUser } from "./admin-create-user.ts";
import { adminSetUserPassword } from "./admin-set-user-password.ts";
import { adminUpdateUserAttributes } from "./admin-update-user-attributes.ts";
import { adminUserGlobalSignOut } from "./admin-user-global-sign-out.ts";
import type { GapFill } from "./gap-fill.ts";
import { initiateAuth } from "./initiate-auth.ts";
import { respondToAuthChallenge } from "./respond-to-auth-challenge.ts";

/** The operations the product calls where cognito-local falls short of Cognito; every other goes to cognito-local. */
const GAP_FILLS: Record<string, GapFill> = {
  AdminCreateUser: adminCreateUser,
  AdminSetUserPassword: adminSetUserPassword,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
  InitiateAuth: initiateAuth,
  RespondToAuthChallenge: respondToAuthChallenge,
};

type RouterFn = ReturnType<typeof Router>;

export function withGapFills(router: RouterFn, services: Services, sessions: AuthSessions): RouterFn {
  return (target) => {
    const fill = GAP_FILLS[target];
    return fill ? fill(services, sessions) : router(target);
  };
}
