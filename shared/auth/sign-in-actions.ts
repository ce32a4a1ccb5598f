/**
 * The Cognito user-pool actions each staff sign-in operation calls, as IAM names them
 * (`cognito-idp:<action>`). One list per operation: shared/auth/cognito-directory.ts makes exactly these
 * calls, and infra/routes.ts declares them as the needs of the routes that run the operation, so the
 * stack grants each function these actions on the one user pool and nothing else.
 */
export const SIGN_IN_ACTIONS = {
  /** A new sign-in: the user with its ids, its role's group, and the check that an existing user is ours. */
  invite: ["AdminCreateUser", "AdminGetUser", "AdminAddUserToGroup"],
  /** Keeping a user in step with its staff record: enable or disable, sign out, regroup, new e-mail. */
  update: [
    "AdminGetUser",
    "AdminEnableUser",
    "AdminDisableUser",
    "AdminUserGlobalSignOut",
    "AdminAddUserToGroup",
    "AdminRemoveUserFromGroup",
    "AdminUpdateUserAttributes",
  ],
  /** A second invitation e-mail with a new temporary password (AdminCreateUser with MessageAction RESEND). */
  resend: ["AdminCreateUser", "AdminGetUser"],
} as const;

export type SignInAction = (typeof SIGN_IN_ACTIONS)[keyof typeof SIGN_IN_ACTIONS][number];
