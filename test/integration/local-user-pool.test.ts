import { randomUUID } from "node:crypto";
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  DeleteUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { signIn, userPoolClient } from "../../infra/local/user-pool/client.ts";
import { provisionUserPool } from "../../infra/local/user-pool/provision.ts";
import { INVITATION_MESSAGE } from "../../shared/auth/invitation-message.ts";
import { startTestStack, TEST_USER_PASSWORD, type TestStack } from "../support/test-stack.ts";

let stack: TestStack;
const camille = DEMO.customers.camille;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

describe("the local stack's user pool", () => {
  it("tells the handlers where the pool is, as the stack's function configuration does", () => {
    expect(process.env.USER_POOL_ID).toBe(stack.userPool.userPoolId);
    expect(process.env.COGNITO_ENDPOINT).toBe(stack.userPool.endpoint);
  });

  it("accepts the access token of a real sign-in of a seeded staff member, and refuses its ID token", async () => {
    const { email, password } = DEMO.staff.alice;
    const { AuthenticationResult } = await stack.signIn(email, password);
    const path = `/v1/customers/${camille.id}`;
    expect((await stack.call("GET", path, { token: AuthenticationResult?.AccessToken ?? "" })).status).toBe(
      200,
    );
    expect((await stack.call("GET", path, { token: AuthenticationResult?.IdToken ?? "" })).status).toBe(401);
  });

  it("refuses an access token of another pool of the same service (another issuer)", async () => {
    const other = await provisionUserPool(stack.userPool.endpoint, { poolName: `other-${randomUUID()}` });
    const client = userPoolClient(other);
    const email = "alice@other-pool.test.invalid";
    try {
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: other.userPoolId,
          Username: email,
          MessageAction: "SUPPRESS",
          UserAttributes: [
            { Name: "custom:merchant_id", Value: DEMO.merchantId },
            { Name: "custom:staff_id", Value: DEMO.staff.alice.id },
          ],
        }),
      );
      await client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: other.userPoolId,
          Username: email,
          Password: TEST_USER_PASSWORD,
          Permanent: true,
        }),
      );
      const foreign =
        (await signIn(other, email, TEST_USER_PASSWORD)).AuthenticationResult?.AccessToken ?? "";
      expect(foreign).not.toBe("");
      expect((await stack.call("GET", `/v1/customers/${camille.id}`, { token: foreign })).status).toBe(401);
    } finally {
      await client.send(new DeleteUserPoolCommand({ UserPoolId: other.userPoolId }));
      client.destroy();
    }
  });

  it("writes the pool's invitations where stack.mail reads them", async () => {
    const client = userPoolClient(stack.userPool);
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.userPool.userPoolId,
        Username: "new.member@example.test",
        DesiredDeliveryMediums: ["EMAIL"],
        UserAttributes: [{ Name: "email", Value: "new.member@example.test" }],
      }),
    );
    client.destroy();
    const mail = await stack.mail.waitFor((m) => m.to === "new.member@example.test");
    expect(mail.subject).toBe(INVITATION_MESSAGE.subject);
    const temporary = /temporary password (\S+) \(account/.exec(mail.text)?.[1] ?? "";
    expect((await stack.signIn("new.member@example.test", temporary)).ChallengeName).toBe(
      "NEW_PASSWORD_REQUIRED",
    );
  });
});
