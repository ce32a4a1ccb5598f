import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorResponse } from "../../functions/http/problem.ts";
import { cognitoDirectory } from "../../shared/auth/cognito-directory.ts";
import type { Principal } from "../../shared/auth/principal.ts";
import { createStaff } from "../../shared/merchants/setup.ts";
import {
  addStaffMember,
  inviteStaffMember,
  listStaffMembers,
  updateStaffMember,
} from "../../shared/merchants/staff.ts";
import type { Db } from "../../shared/store/db/client.ts";
import { merchantWithLocations } from "../support/ledger-merchant.ts";
import { testDb } from "../support/test-stack.ts";
import { recordingBackoff } from "../support/transaction-faults.ts";

// The user pool's failures, injected (aws-sdk-client-mock), against a real table: whatever Cognito does,
// the staff records and the sign-ins never disagree in a way that lets anyone in, and a retry completes.

const cognito = mockClient(CognitoIdentityProviderClient);
const directory = cognitoDirectory({
  userPoolId: "eu-west-3_pool",
  endpoint: "http://127.0.0.1:1",
  maxAttempts: 1,
});

let db: Db;
let owner: Principal;
const clock = () => new Date("2026-12-02T10:00:00Z");
const deps = () => ({ db, clock, directory, backoff: recordingBackoff(3).backoff });

const fault = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });
const status = (error: unknown) => errorResponse(error, "test").statusCode;

beforeAll(async () => {
  db = await testDb();
});

beforeEach(async () => {
  cognito.reset();
  owner = await merchantWithLocations(db, new Date("2026-01-01T00:00:00Z"), {
    "paris-01": { rule: { kind: "visit", pointsPerVisit: 10, minMinutesBetweenVisits: 0 } },
  });
  await createStaff(db, {
    merchantId: owner.merchantId,
    id: owner.staffId,
    name: "Owner",
    role: "owner",
    locationIds: "*",
    active: true,
    createdAt: "2026-01-01T00:00:00.000Z",
  });
});

const bob = { name: "Bob", role: "staff" as const, locationIds: ["paris-01"], email: "bob@example.com" };
const others = async () => (await listStaffMembers({ db }, owner)).filter((s) => s.id !== owner.staffId);

/** What AdminCreateUser was asked to carry: the ids that the user keeps forever. */
const createdIds = (call = 0) => {
  const attributes = cognito.commandCalls(AdminCreateUserCommand)[call]?.args[0].input.UserAttributes ?? [];
  const value = (name: string) => attributes.find((a) => a.Name === name)?.Value;
  return { merchantId: value("custom:merchant_id"), staffId: value("custom:staff_id") };
};

describe("creating a staff member with a sign-in", () => {
  it("writes nothing when Cognito throttles, and the retry with the same key makes exactly one", async () => {
    cognito.on(AdminCreateUserCommand).rejectsOnce(fault("TooManyRequestsException"));
    const first = await addStaffMember(deps(), owner, bob, "k1").catch((e: unknown) => e);
    expect(status(first)).toBe(503);
    expect(await others()).toEqual([]);

    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: "sub-bob" } });
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    const second = await addStaffMember(deps(), owner, bob, "k1");
    const third = await addStaffMember(deps(), owner, bob, "k1");
    expect(third).toEqual({ ...second, replayed: true });
    const staff = await others();
    expect(staff).toHaveLength(1);
    expect(staff[0]).toMatchObject({ id: createdIds(1).staffId, email: "bob@example.com", hasSignIn: true });
    // The replay made no second user.
    expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(2);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]?.args[0].input).toMatchObject({
      Username: "sub-bob",
      GroupName: "staff",
    });
  });

  it("takes over the user a timed-out try made, so the retry completes it once", async () => {
    cognito.on(AdminCreateUserCommand).resolvesOnce({ User: { Username: "sub-bob" } });
    cognito.on(AdminAddUserToGroupCommand).rejectsOnce(fault("TimeoutError")).resolves({});
    expect(status(await addStaffMember(deps(), owner, bob, "k2").catch((e: unknown) => e))).toBe(503);
    expect(await others()).toEqual([]);

    const ids = createdIds(0);
    cognito.on(AdminCreateUserCommand).rejects(fault("UsernameExistsException"));
    cognito.on(AdminGetUserCommand).resolves({
      Username: "sub-bob",
      UserStatus: "FORCE_CHANGE_PASSWORD",
      UserAttributes: [
        { Name: "custom:merchant_id", Value: ids.merchantId },
        { Name: "custom:staff_id", Value: ids.staffId },
      ],
    });
    const retried = await addStaffMember(deps(), owner, bob, "k2");
    expect(retried.result.staff.id).toBe(ids.staffId);
    expect(await others()).toHaveLength(1);
  });

  it("answers 409 and writes nothing when the address signs in at another merchant", async () => {
    cognito.on(AdminCreateUserCommand).rejects(fault("UsernameExistsException"));
    cognito.on(AdminGetUserCommand).resolves({
      Username: "sub-elsewhere",
      UserAttributes: [
        { Name: "custom:merchant_id", Value: "another-merchant" },
        { Name: "custom:staff_id", Value: "staff_x" },
      ],
    });
    const error = await addStaffMember(deps(), owner, bob, "k3").catch((e: unknown) => e);
    expect(status(error)).toBe(409);
    expect(await others()).toEqual([]);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
  });

  it("answers 409 when the address is a sign-in of another member of the same merchant", async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: "sub-bob" } });
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    const made = await addStaffMember(deps(), owner, bob, "k4");
    cognito.on(AdminCreateUserCommand).rejects(fault("UsernameExistsException"));
    cognito.on(AdminGetUserCommand).resolves({
      Username: "sub-bob",
      UserAttributes: [
        { Name: "custom:merchant_id", Value: owner.merchantId },
        { Name: "custom:staff_id", Value: made.result.staff.id },
      ],
    });
    const error = await addStaffMember(deps(), owner, { ...bob, name: "Bob 2" }, "k5").catch(
      (e: unknown) => e,
    );
    expect(status(error)).toBe(409);
    expect(await others()).toHaveLength(1);
  });
});

describe("keeping the sign-in in step", () => {
  async function bobWithSignIn() {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: "sub-bob" } });
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    return (await addStaffMember(deps(), owner, bob, `make-${Math.random()}`)).result.staff.id;
  }

  it("deactivates the record first; a failed disable is a 503 that the same PATCH completes", async () => {
    const id = await bobWithSignIn();
    cognito.on(AdminDisableUserCommand).rejectsOnce(fault("TooManyRequestsException")).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    const error = await updateStaffMember(deps(), owner, id, { active: false }).catch((e: unknown) => e);
    expect(status(error)).toBe(503);
    // The record already refuses the member's tokens: nothing lets them in while Cognito lags.
    expect((await others())[0]?.active).toBe(false);

    await updateStaffMember(deps(), owner, id, { active: false });
    expect(cognito.commandCalls(AdminDisableUserCommand)).toHaveLength(2);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)[0]?.args[0].input).toMatchObject({
      Username: "sub-bob",
    });
  });

  it("re-enables the sign-in before the record: a failed enable leaves the member inactive", async () => {
    const id = await bobWithSignIn();
    cognito.on(AdminDisableUserCommand).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    await updateStaffMember(deps(), owner, id, { active: false });
    cognito.on(AdminEnableUserCommand).rejectsOnce(fault("TimeoutError")).resolves({});
    expect(
      status(await updateStaffMember(deps(), owner, id, { active: true }).catch((e: unknown) => e)),
    ).toBe(503);
    expect((await others())[0]?.active).toBe(false);
    expect((await updateStaffMember(deps(), owner, id, { active: true })).active).toBe(true);
  });

  it("refuses an address another user has, and keeps the old one", async () => {
    const id = await bobWithSignIn();
    cognito.on(AdminUpdateUserAttributesCommand).rejects(fault("AliasExistsException"));
    const error = await updateStaffMember(deps(), owner, id, { email: "taken@example.com" }).catch(
      (e: unknown) => e,
    );
    expect(status(error)).toBe(409);
    expect((await others())[0]?.email).toBe("bob@example.com");
  });

  it("moves the user to the new role's group", async () => {
    const id = await bobWithSignIn();
    cognito.on(AdminRemoveUserFromGroupCommand).resolves({});
    await updateStaffMember(deps(), owner, id, { role: "manager" });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).at(-1)?.args[0].input.GroupName).toBe("manager");
    expect(cognito.commandCalls(AdminRemoveUserFromGroupCommand)[0]?.args[0].input.GroupName).toBe("staff");
  });
});

describe("sending the invitation again", () => {
  it("resends once per key to a member who has not signed in, and refuses one who has", async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: "sub-bob" } });
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    const id = (await addStaffMember(deps(), owner, bob, "k6")).result.staff.id;
    cognito.on(AdminGetUserCommand).resolves({
      Username: "sub-bob",
      UserStatus: "FORCE_CHANGE_PASSWORD",
      UserAttributes: [{ Name: "email", Value: "bob@example.com" }],
    });
    await inviteStaffMember(deps(), owner, id, "r1");
    const replay = await inviteStaffMember(deps(), owner, id, "r1");
    expect(replay.replayed).toBe(true);
    const resends = cognito
      .commandCalls(AdminCreateUserCommand)
      .filter((call) => call.args[0].input.MessageAction === "RESEND");
    expect(resends).toHaveLength(1);
    expect(resends[0]?.args[0].input.Username).toBe("bob@example.com");

    cognito.on(AdminGetUserCommand).resolves({ Username: "sub-bob", UserStatus: "CONFIRMED" });
    expect(status(await inviteStaffMember(deps(), owner, id, "r2").catch((e: unknown) => e))).toBe(409);
  });
});
