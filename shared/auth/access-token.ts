/**
 * The scope Cognito puts in every access token it issues through its sign-in API, and in no ID token:
 * the stack's staff routes require it (infra/stack/http-api.ts), which keeps ID tokens (same audience) out,
 * and the local user pool and its authorizer (infra/local/) issue and check the same.
 */
export const ACCESS_TOKEN_SCOPE = "aws.cognito.signin.user.admin";
