import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { errorResponse } from "../../../functions/http/problem.ts";
import { PERMISSIONS } from "../../../shared/auth/permissions.ts";
import type { Principal } from "../../../shared/auth/principal.ts";
import { addLocation } from "../../../shared/merchants/locations.ts";
import { replaceProgram } from "../../../shared/merchants/programs.ts";
import { updateStaffMember } from "../../../shared/merchants/staff.ts";
import type { Program, Staff } from "../../../shared/model.ts";
import { createDb } from "../../../shared/store/db/client.ts";
import { merchantPk } from "../../../shared/store/db/partitions.ts";
import { locationSk } from "../../../shared/store/merchants/locations.ts";
import { programSk, programVersionSk } from "../../../shared/store/merchants/programs.ts";
import { staffSk } from "../../../shared/store/merchants/staff.ts";
import { answerBatchGetsWithGets } from "../../support/batch-get-via-gets.ts";
import { fakeSignInDirectory } from "../../support/fake-sign-in-directory.ts";
import { cancelled, recordingBackoff } from "../../support/transaction-faults.ts";

// DynamoDB Local serialises transactions and never reports conflicts: these paths are proven with injected faults.

const db = createDb({ table: "t", endpoint: "http://127.0.0.1:1" });
const mock = mockClient(db.client as unknown as DynamoDBDocumentClient);

const { backoff, sleeps } = recordingBackoff(3);
const deps = { db, clock: () => new Date("2026-03-01T10:00:00Z"), backoff, directory: fakeSignInDirectory() };

const owner: Principal = {
  merchantId: "m",
  staffId: "alice",
  role: "owner",
  locationIds: "*",
  permissions: new Set(PERMISSIONS),
};

const program = (version: number): Program => ({
  merchantId: "m",
  id: "p",
  name: "Points",
  version,
  rule: { kind: "visit", pointsPerVisit: version, minMinutesBetweenVisits: 0 },
  updatedAt: "2026-01-01T00:00:00.000Z",
});
const settings = {
  name: "Points",
  rule: { kind: "visit" as const, pointsPerVisit: 50, minMinutesBetweenVisits: 0 },
  expiry: { kind: "none" as const },
};

const transactKeys = (call: number) =>
  (mock.commandCalls(TransactWriteCommand)[call]?.args[0].input.TransactItems ?? []).map(
    (item) => item.Put?.Item?.sk ?? item.Update?.Key?.sk ?? item.ConditionCheck?.Key?.sk,
  );

beforeEach(() => {
  answerBatchGetsWithGets(mock.reset());
  sleeps.length = 0;
});

describe("saving a program under contention", () => {
  it("re-reads after losing the race and saves the version after the winner's", async () => {
    mock
      .on(GetCommand)
      .resolvesOnce({ Item: program(3) })
      .resolves({ Item: program(4) });
    mock.on(TransactWriteCommand).rejectsOnce(cancelled("ConditionalCheckFailed", "None")).resolves({});
    const saved = await replaceProgram(deps, owner, "p", settings);
    expect(saved).toMatchObject({ version: 5, rule: settings.rule, updatedBy: "alice" });
    expect(transactKeys(0)).toEqual([programSk("p"), programVersionSk("p", 4)]);
    expect(transactKeys(1)).toEqual([programSk("p"), programVersionSk("p", 5)]);
    const current = mock.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems?.[0]?.Put;
    expect(current?.ConditionExpression).toBe("#version = :previous");
    expect(current?.ExpressionAttributeValues).toEqual({ ":previous": 4 });
    expect(sleeps).toHaveLength(1);
  });

  it("retries a TransactionConflict, and answers 503 when contention outlasts its attempts", async () => {
    mock.on(GetCommand).resolves({ Item: program(1) });
    mock.on(TransactWriteCommand).rejects(cancelled("TransactionConflict", "None"));
    const error = await replaceProgram(deps, owner, "p", settings).catch((e: unknown) => e);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(3);
    const response = errorResponse(error, "r");
    expect(response.statusCode).toBe(503);
    expect(response.headers?.["retry-after"]).toBe("1");
  });

  it("writes nothing when the settings are those of the current version", async () => {
    mock.on(GetCommand).resolves({ Item: { ...program(2), ...settings } });
    expect((await replaceProgram(deps, owner, "p", settings)).version).toBe(2);
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe("removing an owner", () => {
  const olivia: Staff = {
    merchantId: "m",
    id: "olivia",
    name: "Olivia",
    role: "owner",
    locationIds: "*",
    active: true,
    createdAt: "2026-01-01T00:00:00.000Z",
  };

  function givenOlivia() {
    mock.on(GetCommand).callsFake((input: { Key: { sk: string } }) => ({
      Item: input.Key.sk === staffSk("olivia") ? olivia : { id: "m", rolePermissions: {} },
    }));
  }

  it("requires the caller to still be an active owner when the change commits", async () => {
    givenOlivia();
    mock.on(TransactWriteCommand).resolves({});
    await updateStaffMember(deps, owner, "olivia", { active: false });
    expect(transactKeys(0)).toEqual([staffSk("olivia"), staffSk("alice")]);
    const check =
      mock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[1]?.ConditionCheck;
    expect(check).toMatchObject({
      Key: { pk: merchantPk("m"), sk: staffSk("alice") },
      ExpressionAttributeValues: { ":owner": "owner", ":true": true },
    });
  });

  it("needs no such check for changes that keep an active owner", async () => {
    givenOlivia();
    mock.on(TransactWriteCommand).resolves({});
    await updateStaffMember(deps, owner, "olivia", { name: "Olivia B." });
    expect(transactKeys(0)).toEqual([staffSk("olivia")]);
  });

  it("answers 409 when the records changed meanwhile (e.g. the caller was just removed)", async () => {
    givenOlivia();
    mock.on(TransactWriteCommand).rejects(cancelled("None", "ConditionalCheckFailed"));
    const error = await updateStaffMember(deps, owner, "olivia", { role: "manager" }).catch(
      (e: unknown) => e,
    );
    expect(errorResponse(error, "r").statusCode).toBe(409);
  });
});

describe("creating a record whose new id is taken", () => {
  it("builds it again with another id instead of failing the request", async () => {
    mock
      .on(GetCommand)
      .callsFake((input: { Key: { sk: string } }) =>
        input.Key.sk === programSk("p") ? { Item: program(1) } : {},
      );
    // The key's record goes first, the location second: the location's id was taken.
    mock.on(TransactWriteCommand).rejectsOnce(cancelled("None", "ConditionalCheckFailed")).resolves({});
    const created = await addLocation(deps, owner, { name: "Lille", programId: "p" }, "key-1");
    expect(created.replayed).toBe(false);
    const [first, second] = [transactKeys(0), transactKeys(1)];
    expect(first[0]).toBe("#IDEMPOTENCY");
    expect(second).toEqual(["#IDEMPOTENCY", locationSk(created.result.location.id)]);
    expect(second[1]).not.toBe(first[1]);
  });
});
