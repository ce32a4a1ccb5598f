import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUsersInGroupCommand,
  RespondToAuthChallengeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as productPreToken } from "../../../functions/cognito-pre-token.ts";
import { createUserPoolAuthorizer } from "../../../infra/local/jwt-authorizer.ts";
import { signIn, type UserPoolRef, userPoolClient } from "../../../infra/local/user-pool/client.ts";
import { startUserPoolEmulator, type UserPoolEmulator } from "../../../infra/local/user-pool/emulator.ts";
import { passwordPolicyViolation } from "../../../infra/local/user-pool/password-policy.ts";
import type { PreTokenGenerationV2Handler } from "../../../infra/local/user-pool/pre-token-v2.ts";
import { provisionUserPool } from "../../../infra/local/user-pool/provision.ts";
import { ACCESS_TOKEN_SCOPE } from "../../../shared/auth/access-token.ts";
import { INVITATION_MESSAGE } from "../../../shared/auth/invitation-message.ts";
import { readEml } from "../../support/mail.ts";

const POLICY = {
  MinimumLength: 12,
  RequireLowercase: true,
  RequireUppercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
};
const PASSWORD = "Chosen-password-42";

let dir: string;
let emulator: UserPoolEmulator;
let pool: UserPoolRef;
let admin: CognitoIdentityProviderClient;
/** Every event the product's trigger received, in order. */
const events: PreTokenGenerationV2TriggerEvent[] = [];
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "user-pool-test-"));
  emulator = await startUserPoolEmulator({
    dataDir: join(dir, "data"),
    mailDir: join(dir, "mail"),
    preTokenGeneration: (event) => {
      events.push(structuredClone(event));
      return productPreToken(event);
    },
  });
  pool = await provisionUserPool(emulator.endpoint, { poolName: "test" });
  admin = userPoolClient(pool);
});
afterAll(async () => {
  admin?.destroy();
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A new user of merchant m1 with a staff id of its own, invited by e-mail (or not) as the product does. */
async function invite(options: { suppress?: boolean; group?: string } = {}) {
  n += 1;
  const email = `person${n}@example.test`;
  const staffId = `staff_${n}`;
  const created = await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: pool.userPoolId,
      Username: email,
      DesiredDeliveryMediums: ["EMAIL"],
      ...(options.suppress ? { MessageAction: "SUPPRESS" as const } : {}),
      UserAttributes: [
        { Name: "email", Value: email },
        { Name: "email_verified", Value: "true" },
        { Name: "custom:merchant_id", Value: "m1" },
        { Name: "custom:staff_id", Value: staffId },
      ],
    }),
  );
  if (options.group) {
    await admin.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: pool.userPoolId,
        Username: email,
        GroupName: options.group,
      }),
    );
  }
  return { email, staffId, username: created.User?.Username ?? "" };
}

async function invitationsTo(email: string) {
  const files = (await readdir(join(dir, "mail"))).sort();
  const mails = await Promise.all(files.map((f) => readEml(join(dir, "mail", f))));
  return mails.filter((m) => m.headers.to === email);
}

const temporaryPasswordIn = (text: string) => /temporary password (\S+) \(account/.exec(text)?.[1] ?? "";

/** A user who accepted the invitation: a password of their own, and the tokens of that first sign-in. */
async function signedUp(options: { group?: string } = {}) {
  const user = await invite({ suppress: true, ...options });
  await admin.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: pool.userPoolId,
      Username: user.email,
      Password: PASSWORD,
      Permanent: true,
    }),
  );
  const tokens = (await signIn(pool, user.email, PASSWORD)).AuthenticationResult;
  return { ...user, tokens };
}

const refresh = (refreshToken: string) =>
  admin.send(
    new InitiateAuthCommand({
      ClientId: pool.clientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );

const newPassword = (email: string, session: string | undefined, password = PASSWORD) =>
  admin.send(
    new RespondToAuthChallengeCommand({
      ClientId: pool.clientId,
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: session,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: password },
    }),
  );

describe("pre token generation V2", () => {
  it("puts the product trigger's merchant_id and staff_id in the access token, signed for the pool's JWKS", async () => {
    const user = await signedUp({ group: "staff" });
    const access = user.tokens?.AccessToken ?? "";
    expect(decodeJwt(access)).toMatchObject({
      merchant_id: "m1",
      staff_id: user.staffId,
      token_use: "access",
      client_id: pool.clientId,
      scope: ACCESS_TOKEN_SCOPE,
      sub: user.username,
      "cognito:groups": ["staff"],
      iss: `${emulator.endpoint}/${pool.userPoolId}`,
    });
    expect(decodeProtectedHeader(access)).toMatchObject({ alg: "RS256", kid: "CognitoLocal" });
    const { exp = 0, iat = 0 } = decodeJwt(access);
    expect(exp - iat).toBe(15 * 60);
    expect(user.tokens).toMatchObject({ ExpiresIn: 900, TokenType: "Bearer" });
    // What the local gateway accepts, as API Gateway's JWT authorizer on the pool would.
    const authorizer = createUserPoolAuthorizer({
      issuer: `${emulator.endpoint}/${pool.userPoolId}`,
      clientId: pool.clientId,
      scopes: [ACCESS_TOKEN_SCOPE],
    });
    expect(await authorizer.verify(access)).toMatchObject({ merchant_id: "m1", staff_id: user.staffId });
    // The trigger only customises the access token: the ID token has the attributes, not the claims.
    const id = decodeJwt(user.tokens?.IdToken ?? "");
    expect(id).toMatchObject({ token_use: "id", aud: pool.clientId, "custom:staff_id": user.staffId });
    expect(id.staff_id).toBeUndefined();
  });

  it("sends the trigger Cognito's V2 event, with the source of each token generation", async () => {
    const user = await invite({ group: "manager" });
    const [invitation] = await invitationsTo(user.email);
    const from = events.length;
    const challenge = await signIn(pool, user.email, temporaryPasswordIn(invitation?.text ?? ""));
    const first = await newPassword(user.email, challenge.Session);
    await refresh(first.AuthenticationResult?.RefreshToken ?? "");
    await signIn(pool, user.email, PASSWORD);
    const mine = events.slice(from);
    expect(mine.map((e) => e.triggerSource)).toEqual([
      "TokenGeneration_NewPasswordChallenge",
      "TokenGeneration_RefreshTokens",
      "TokenGeneration_Authentication",
    ]);
    expect(mine[0]).toMatchObject({
      version: "2",
      userPoolId: pool.userPoolId,
      userName: user.username,
      callerContext: { clientId: pool.clientId },
      request: {
        userAttributes: { email: user.email, "custom:merchant_id": "m1", "custom:staff_id": user.staffId },
        groupConfiguration: { groupsToOverride: ["manager"] },
        scopes: [ACCESS_TOKEN_SCOPE],
      },
    });
  });

  it("applies claims, suppressions, scopes and groups to both tokens, never to reserved claims", async () => {
    const handler: PreTokenGenerationV2Handler = async (event) => {
      event.response = {
        claimsAndScopeOverrideDetails: {
          accessTokenGeneration: {
            claimsToAddOrOverride: { tier: "gold", token_use: "id", client_id: "forged" },
            claimsToSuppress: ["username", "event_id"],
            scopesToAdd: ["loyalty/read"],
          },
          idTokenGeneration: { claimsToSuppress: ["email"], claimsToAddOrOverride: { tier: "silver" } },
          groupOverrideDetails: { groupsToOverride: ["owner"] },
        },
      };
      return event;
    };
    const other = await startUserPoolEmulator({
      dataDir: join(dir, "other-data"),
      mailDir: join(dir, "other-mail"),
      preTokenGeneration: handler,
    });
    try {
      const otherPool = await provisionUserPool(other.endpoint, { poolName: "other" });
      const client = userPoolClient(otherPool);
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: otherPool.userPoolId,
          Username: "x@example.test",
          MessageAction: "SUPPRESS",
        }),
      );
      await client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: otherPool.userPoolId,
          Username: "x@example.test",
          Password: PASSWORD,
          Permanent: true,
        }),
      );
      client.destroy();
      const tokens = (await signIn(otherPool, "x@example.test", PASSWORD)).AuthenticationResult;
      const access = decodeJwt(tokens?.AccessToken ?? "");
      expect(access).toMatchObject({
        tier: "gold",
        token_use: "access",
        client_id: otherPool.clientId,
        scope: `${ACCESS_TOKEN_SCOPE} loyalty/read`,
        "cognito:groups": ["owner"],
      });
      // username and event_id are reserved: a suppression does not remove them.
      expect(access.username).toBeDefined();
      expect(access.event_id).toBeDefined();
      const id = decodeJwt(tokens?.IdToken ?? "");
      expect(id).toMatchObject({ tier: "silver", token_use: "id", "cognito:groups": ["owner"] });
      expect(id.email).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe("invitations", () => {
  it("e-mails the pool's invitation text with a temporary password that meets the policy", async () => {
    const user = await invite();
    const [invitation, ...more] = await invitationsTo(user.email);
    expect(more).toHaveLength(0);
    expect(invitation?.subject).toBe(INVITATION_MESSAGE.subject);
    const temporary = temporaryPasswordIn(invitation?.text ?? "");
    expect(invitation?.text).toBe(
      INVITATION_MESSAGE.body.replaceAll("{####}", temporary).replaceAll("{username}", user.username),
    );
    expect(passwordPolicyViolation(temporary, POLICY)).toBeUndefined();
    expect((await signIn(pool, user.email, temporary)).ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
  });

  it("refuses a wrong temporary password instead of answering NEW_PASSWORD_REQUIRED", async () => {
    const user = await invite();
    await expect(signIn(pool, user.email, "Not-the-temporary-1")).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  });

  it("accepts a new password only with the session of that user's challenge, once, and within the policy", async () => {
    const user = await invite();
    const [invitation] = await invitationsTo(user.email);
    const challenge = await signIn(pool, user.email, temporaryPasswordIn(invitation?.text ?? ""));
    await expect(newPassword(user.email, "made-up-session")).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
    // The refused attempt did not consume the real session; a weak password is refused as Cognito does.
    const again = await signIn(pool, user.email, temporaryPasswordIn(invitation?.text ?? ""));
    await expect(newPassword(user.email, again.Session, "short")).rejects.toMatchObject({
      name: "InvalidPasswordException",
    });
    const third = await signIn(pool, user.email, temporaryPasswordIn(invitation?.text ?? ""));
    const done = await newPassword(user.email, third.Session);
    expect(done.AuthenticationResult?.AccessToken).toBeDefined();
    await expect(newPassword(user.email, third.Session)).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
    expect(challenge.Session).not.toBe(third.Session);
    // The refresh token of that first sign-in works.
    expect(
      (await refresh(done.AuthenticationResult?.RefreshToken ?? "")).AuthenticationResult?.AccessToken,
    ).toBeDefined();
  });

  it("RESEND e-mails a new temporary password and retires the old one; refused once the user chose one", async () => {
    const user = await invite();
    const [first] = await invitationsTo(user.email);
    const resend = () =>
      admin.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.userPoolId,
          Username: user.email,
          MessageAction: "RESEND",
          DesiredDeliveryMediums: ["EMAIL"],
        }),
      );
    expect((await resend()).User?.UserStatus).toBe("FORCE_CHANGE_PASSWORD");
    const mails = await invitationsTo(user.email);
    expect(mails).toHaveLength(2);
    const oldPassword = temporaryPasswordIn(first?.text ?? "");
    const newTemporary = temporaryPasswordIn(mails[1]?.text ?? "");
    expect(newTemporary).not.toBe(oldPassword);
    await expect(signIn(pool, user.email, oldPassword)).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
    const challenge = await signIn(pool, user.email, newTemporary);
    await newPassword(user.email, challenge.Session);
    await expect(resend()).rejects.toMatchObject({ name: "UnsupportedUserStateException" });
    expect(await invitationsTo(user.email)).toHaveLength(2);
  });
});

describe("signing out and disabling", () => {
  it("global sign-out revokes the refresh tokens; the access token stays valid until it expires", async () => {
    const user = await signedUp();
    const refreshToken = user.tokens?.RefreshToken ?? "";
    expect((await refresh(refreshToken)).AuthenticationResult?.AccessToken).toBeDefined();
    await admin.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: pool.userPoolId, Username: user.email }),
    );
    await expect(refresh(refreshToken)).rejects.toMatchObject({ name: "NotAuthorizedException" });
    // As API Gateway's authorizer, which never asks Cognito: the staff record is what locks a member out.
    const authorizer = createUserPoolAuthorizer({
      issuer: `${emulator.endpoint}/${pool.userPoolId}`,
      clientId: pool.clientId,
      scopes: [ACCESS_TOKEN_SCOPE],
    });
    expect(await authorizer.verify(user.tokens?.AccessToken ?? "")).toBeDefined();
    // Signing in again works.
    expect((await signIn(pool, user.email, PASSWORD)).AuthenticationResult).toBeDefined();
  });

  it("refuses a disabled user's sign-in, refresh and challenge answer, until enabled again", async () => {
    const user = await signedUp();
    const invited = await invite();
    const [invitation] = await invitationsTo(invited.email);
    const challenge = await signIn(pool, invited.email, temporaryPasswordIn(invitation?.text ?? ""));
    for (const { email } of [user, invited]) {
      await admin.send(new AdminDisableUserCommand({ UserPoolId: pool.userPoolId, Username: email }));
    }
    const disabled = { name: "NotAuthorizedException", message: "User is disabled." };
    await expect(signIn(pool, user.email, PASSWORD)).rejects.toMatchObject(disabled);
    await expect(refresh(user.tokens?.RefreshToken ?? "")).rejects.toMatchObject(disabled);
    await expect(newPassword(invited.email, challenge.Session)).rejects.toMatchObject(disabled);
    await admin.send(new AdminEnableUserCommand({ UserPoolId: pool.userPoolId, Username: user.email }));
    expect((await signIn(pool, user.email, PASSWORD)).AuthenticationResult).toBeDefined();
    expect((await refresh(user.tokens?.RefreshToken ?? "")).AuthenticationResult).toBeDefined();
  });
});

describe("the pool's other rules", () => {
  it("refuses an e-mail another user holds (AliasExistsException)", async () => {
    const [a, b] = [await invite({ suppress: true }), await invite({ suppress: true })];
    await expect(
      admin.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.userPoolId,
          Username: a.email,
          UserAttributes: [{ Name: "email", Value: b.email }],
        }),
      ),
    ).rejects.toMatchObject({ name: "AliasExistsException" });
  });

  it("refuses a password that breaks the policy, and attributes outside the schema", async () => {
    const user = await invite({ suppress: true });
    await expect(
      admin.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: pool.userPoolId,
          Username: user.email,
          Password: "alllowercase1!",
          Permanent: true,
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidPasswordException", message: /uppercase/ });
    await expect(
      admin.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.userPoolId,
          Username: "typo@example.test",
          MessageAction: "SUPPRESS",
          UserAttributes: [{ Name: "custom:merchantid", Value: "m1" }],
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterException", message: /custom:merchantid/ });
  });

  it("signs in only with the flows the client allows", async () => {
    const created = await admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.userPoolId,
        ClientName: "refresh-only",
        ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
      }),
    );
    const user = await signedUp();
    await expect(
      signIn({ ...pool, clientId: created.UserPoolClient?.ClientId ?? "" }, user.email, PASSWORD),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
  });

  it("names the real issuer and JWKS in the pool's discovery document", async () => {
    const issuer = `${emulator.endpoint}/${pool.userPoolId}`;
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(await response.json()).toMatchObject({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` });
  });
});

describe("provisioning", () => {
  it("finds the same pool, client and groups again after a restart, keeping group members", async () => {
    const member = await invite({ suppress: true, group: "owner" });
    await emulator.close();
    emulator = await startUserPoolEmulator({ dataDir: join(dir, "data"), mailDir: join(dir, "mail") });
    const again = await provisionUserPool(emulator.endpoint, { poolName: "test" });
    expect(again).toMatchObject({ userPoolId: pool.userPoolId, clientId: pool.clientId });
    pool = again;
    admin.destroy();
    admin = userPoolClient(pool);
    const groups = await admin.send(new ListGroupsCommand({ UserPoolId: pool.userPoolId }));
    expect(groups.Groups?.map((g) => g.GroupName).sort()).toEqual(["manager", "owner", "staff"]);
    const owners = await admin.send(
      new ListUsersInGroupCommand({ UserPoolId: pool.userPoolId, GroupName: "owner" }),
    );
    expect(owners.Users?.map((u) => u.Username)).toContain(member.username);
  });
});
