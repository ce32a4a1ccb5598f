import {
  AdminDeleteUserCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  UpdateUserPoolCommand,
  type UpdateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { INVITATION_MESSAGE } from "../../../shared/auth/invitation-message.ts";
import type { Role } from "../../../shared/model.ts";
import { type UserPoolRef, userPoolClient } from "./client.ts";

/** As in infra/stack/staff-auth.ts: one group per role, the owner first. */
const GROUPS = { owner: 0, manager: 1, staff: 2 } as const satisfies Record<Role, number>;
export const SCANNER_CLIENT_NAME = "scanner";

/**
 * The pool settings of infra/stack/staff-auth.ts, as the Cognito API takes them: e-mail sign-in (the
 * username is the user's sub), its password policy, the two immutable ids, the invitation text, and the
 * pre-token-generation trigger in version 2. The ARN only tells the emulator to run the trigger.
 */
const POOL_SETTINGS = {
  Policies: {
    PasswordPolicy: {
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3,
    },
  },
  AutoVerifiedAttributes: ["email"],
  AdminCreateUserConfig: {
    AllowAdminCreateUserOnly: true,
    InviteMessageTemplate: {
      EmailSubject: INVITATION_MESSAGE.subject,
      EmailMessage: INVITATION_MESSAGE.body,
    },
  },
  LambdaConfig: {
    PreTokenGenerationConfig: {
      LambdaArn: "arn:aws:lambda:local:000000000000:function:cognito-pre-token",
      LambdaVersion: "V2_0",
    },
  },
  MfaConfiguration: "OPTIONAL",
  AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
} satisfies Omit<UpdateUserPoolCommandInput, "UserPoolId">;

/**
 * The user pool, its scanner client and its groups, created with the same API calls as on AWS, or found
 * again by name (`npm start` keeps the pool across restarts, so scanner apps keep their configuration).
 * The scanner client signs in with USER_PASSWORD_AUTH: cognito-local has no SRP, which the stack's client uses.
 */
export async function provisionUserPool(
  endpoint: string,
  options: { poolName: string; region?: string },
): Promise<UserPoolRef> {
  const region = options.region ?? "eu-west-3";
  const client = userPoolClient({ endpoint, region });
  try {
    const existing = (await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.find(
      (pool) => pool.Name === options.poolName,
    );
    let userPoolId = existing?.Id;
    if (userPoolId) {
      // The settings of this version (a new invitation text, say), not those of the run that created it.
      await client.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, ...POOL_SETTINGS }));
    } else {
      const created = await client.send(
        new CreateUserPoolCommand({
          PoolName: options.poolName,
          UsernameAttributes: ["email"],
          UsernameConfiguration: { CaseSensitive: false },
          Schema: ["merchant_id", "staff_id"].map((Name) => ({
            Name,
            AttributeDataType: "String",
            Mutable: false,
            StringAttributeConstraints: { MinLength: "1", MaxLength: "64" },
          })),
          ...POOL_SETTINGS,
        }),
      );
      userPoolId = created.UserPool?.Id ?? "";
    }
    const clients = await client.send(
      new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
    );
    let clientId = clients.UserPoolClients?.find((c) => c.ClientName === SCANNER_CLIENT_NAME)?.ClientId;
    if (!clientId) {
      const created = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: SCANNER_CLIENT_NAME,
          GenerateSecret: false,
          ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
          AccessTokenValidity: 15,
          IdTokenValidity: 15,
          RefreshTokenValidity: 30,
          TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
          EnableTokenRevocation: true,
          PreventUserExistenceErrors: "ENABLED",
          WriteAttributes: ["name"],
        }),
      );
      clientId = created.UserPoolClient?.ClientId ?? "";
    }
    // cognito-local's CreateGroup replaces a group with its members, so only missing ones are created.
    const groups = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId }));
    const present = new Set(groups.Groups?.map((g) => g.GroupName));
    for (const [GroupName, Precedence] of Object.entries(GROUPS)) {
      if (!present.has(GroupName)) {
        await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName, Precedence }));
      }
    }
    return { endpoint, region, userPoolId, clientId };
  } finally {
    client.destroy();
  }
}

/**
 * Removes every user of the pool. `npm start` keeps the pool (its ids are in scanner apps' settings) but
 * starts DynamoDB Local empty: users left from the last run would point at staff records that no longer
 * exist and hold their addresses, so that inviting the same person again would be a 409.
 */
export async function emptyUserPool(pool: UserPoolRef): Promise<number> {
  const client = userPoolClient(pool);
  let removed = 0;
  try {
    for (;;) {
      const { Users = [] } = await client.send(
        new ListUsersCommand({ UserPoolId: pool.userPoolId, Limit: 60 }),
      );
      if (Users.length === 0) return removed;
      for (const user of Users) {
        if (!user.Username) continue;
        await client.send(
          new AdminDeleteUserCommand({ UserPoolId: pool.userPoolId, Username: user.Username }),
        );
        removed++;
      }
    }
  } finally {
    client.destroy();
  }
}
