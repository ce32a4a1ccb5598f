import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { COGNITO_CONNECT_TIMEOUT_MS, COGNITO_MAX_ATTEMPTS, COGNITO_REQUEST_TIMEOUT_MS } from "../budgets.ts";
import { sdkClientBudget } from "../sdk-client-budget.ts";
import { AlreadySignedIn, EmailInUse, type SignInDirectory } from "./sign-in-directory.ts";

export interface CognitoDirectoryConfig {
  userPoolId: string;
  region?: string;
  /** The local user pool (infra/local/); absent on AWS. */
  endpoint?: string;
  maxAttempts?: number;
}

const ATTRIBUTE_MERCHANT = "custom:merchant_id";
const ATTRIBUTE_STAFF = "custom:staff_id";

const attribute = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

const named = (error: unknown, ...names: string[]) => error instanceof Error && names.includes(error.name);

/**
 * The user pool as a SignInDirectory. The pool signs people in with their e-mail (its username is the
 * user's sub), so the e-mail is the `Username` of a new user and the sub, which never changes, names it
 * afterwards. Every call is one of SIGN_IN_ACTIONS (shared/auth/sign-in-actions.ts), the grants the stack
 * gives the functions that make them.
 */
export function cognitoDirectory(config: CognitoDirectoryConfig): SignInDirectory {
  const client = new CognitoIdentityProviderClient({
    ...(config.region ? { region: config.region } : {}),
    ...sdkClientBudget({
      connectTimeoutMs: COGNITO_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: COGNITO_REQUEST_TIMEOUT_MS,
      maxAttempts: config.maxAttempts ?? COGNITO_MAX_ATTEMPTS,
    }),
    // The local pool checks no signature; real credentials never go to it.
    ...(config.endpoint
      ? { endpoint: config.endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : {}),
  });
  const UserPoolId = config.userPoolId;

  const getUser = (Username: string) => client.send(new AdminGetUserCommand({ UserPoolId, Username }));

  const joinGroup = (Username: string, GroupName: string) =>
    client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName }));

  return {
    async invite(account) {
      let username: string;
      try {
        const created = await client.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: account.email,
            UserAttributes: [
              { Name: "email", Value: account.email },
              // The invitation's temporary password reaches this address: signing in with it proves it.
              { Name: "email_verified", Value: "true" },
              { Name: ATTRIBUTE_MERCHANT, Value: account.merchantId },
              { Name: ATTRIBUTE_STAFF, Value: account.staffId },
            ],
            DesiredDeliveryMediums: ["EMAIL"],
          }),
        );
        if (!created.User?.Username) throw new Error("AdminCreateUser returned no user");
        username = created.User.Username;
      } catch (error) {
        if (named(error, "UsernameExistsException", "AliasExistsException")) throw new EmailInUse();
        throw error;
      }
      await joinGroup(username, account.role);
      return { username };
    },

    async find(email) {
      try {
        const user = await getUser(email);
        if (!user.Username) return undefined;
        const merchantId = attribute(user.UserAttributes, ATTRIBUTE_MERCHANT);
        const staffId = attribute(user.UserAttributes, ATTRIBUTE_STAFF);
        return {
          username: user.Username,
          ...(merchantId ? { merchantId } : {}),
          ...(staffId ? { staffId } : {}),
          signedIn: user.UserStatus !== "FORCE_CHANGE_PASSWORD",
        };
      } catch (error) {
        if (named(error, "UserNotFoundException")) return undefined;
        throw error;
      }
    },

    async resendInvitation(username) {
      const user = await getUser(username);
      if (user.UserStatus !== "FORCE_CHANGE_PASSWORD") throw new AlreadySignedIn();
      const email = attribute(user.UserAttributes, "email");
      if (!email) throw new Error("The user has no e-mail address");
      try {
        await client.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: email,
            MessageAction: "RESEND",
            DesiredDeliveryMediums: ["EMAIL"],
          }),
        );
      } catch (error) {
        // The person chose a password between the two calls.
        if (named(error, "UnsupportedUserStateException")) throw new AlreadySignedIn();
        throw error;
      }
    },

    async setEnabled(username, enabled) {
      if (enabled) {
        await client.send(new AdminEnableUserCommand({ UserPoolId, Username: username }));
        return;
      }
      await client.send(new AdminDisableUserCommand({ UserPoolId, Username: username }));
      // Disabling stops new sign-ins; the sign-out also revokes the refresh tokens a device holds.
      await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: username }));
    },

    async setRole(username, from, to) {
      await joinGroup(username, to);
      if (from === undefined || from === to) return;
      await client.send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: username, GroupName: from }),
      );
    },

    async setEmail(username, email) {
      try {
        await client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId,
            Username: username,
            UserAttributes: [
              { Name: "email", Value: email },
              { Name: "email_verified", Value: "true" },
            ],
          }),
        );
      } catch (error) {
        if (named(error, "AliasExistsException", "UsernameExistsException")) throw new EmailInUse();
        throw error;
      }
    },
  };
}

const directories = new Map<string, SignInDirectory>();

/** The directory of the user pool the environment names (USER_POOL_ID; COGNITO_ENDPOINT locally), one per pool. */
export function signInDirectoryFromEnv(env: NodeJS.ProcessEnv = process.env): SignInDirectory {
  const userPoolId = env.USER_POOL_ID;
  if (!userPoolId)
    throw new Error("USER_POOL_ID is not set: this function was not given the staffSignIns need");
  const endpoint = env.COGNITO_ENDPOINT;
  const key = `${userPoolId}|${endpoint ?? ""}`;
  let directory = directories.get(key);
  if (!directory) {
    directory = cognitoDirectory({ userPoolId, ...(endpoint ? { endpoint } : {}) });
    directories.set(key, directory);
  }
  return directory;
}
