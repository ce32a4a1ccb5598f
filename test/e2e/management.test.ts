import { randomUUID } from "node:crypto";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { DEFAULT_ROLE_PERMISSIONS, PERMISSIONS } from "../../shared/auth/permissions.ts";
import { createLocation, createProgram } from "../../shared/merchants/setup.ts";
import type { Role } from "../../shared/model.ts";
import { merchantPk } from "../../shared/store/db/partitions.ts";
import { idempotencyRecordKey } from "../../shared/store/idempotency.ts";
import { type CallResult, OTHER_MERCHANT, startTestStack, type TestStack } from "../support/test-stack.ts";

let stack: TestStack;
let alice: string;
let bob: string;
let mallory: string;

/** The other merchant's own settings, with ids that look like ours would. */
const OTHER = { programId: "prog_other", locationId: "other-01" };

beforeAll(async () => {
  stack = await startTestStack();
  ({ alice, bob, mallory } = await stack.tokens());
  const now = new Date().toISOString();
  const merchantId = OTHER_MERCHANT.merchantId;
  await createProgram(stack.db, {
    merchantId,
    id: OTHER.programId,
    name: "Other points",
    version: 1,
    rule: { kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: 0 },
    updatedAt: now,
  });
  await createLocation(stack.db, {
    merchantId,
    id: OTHER.locationId,
    name: "Other 01",
    programId: OTHER.programId,
    createdAt: now,
  });
});
afterAll(() => stack?.close());

/** A token for any staff id of the demo merchant; what it may do is decided by the staff record, not the token. */
const tokenFor = (staffId: string) => stack.tokenFor(staffId);

/** `key: null` sends no Idempotency-Key. */
const post = (path: string, body: unknown, token = alice, key: string | null = randomUUID()) =>
  stack.call("POST", path, { token, body, headers: key === null ? {} : { "idempotency-key": key } });
const patch = (path: string, body: unknown, token = alice) => stack.call("PATCH", path, { token, body });
const put = (path: string, body: unknown, token = alice) => stack.call("PUT", path, { token, body });
const get = (path: string, token = alice) => stack.call("GET", path, { token });

/** Everything stored under the demo merchant's partition: staff, locations, programs and their versions, roles. */
async function merchantItems() {
  const { Items = [] } = await stack.db.client.send(
    new QueryCommand({
      TableName: stack.db.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": merchantPk(DEMO.merchantId) },
      ConsistentRead: true,
    }),
  );
  return Items;
}

async function storedKey(key: string, merchantId: string = DEMO.merchantId) {
  const { Item } = await stack.db.client.send(
    new GetCommand({
      TableName: stack.db.table,
      Key: idempotencyRecordKey(merchantId, key),
      ConsistentRead: true,
    }),
  );
  return Item;
}

function expectProblem(response: CallResult, status: number) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(response.body.status).toBe(status);
}

function expectInvalid(response: CallResult, field: string) {
  expectProblem(response, 400);
  expect(response.body.type).toContain("validation");
  expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

/** Sends a request that must be refused, and proves it wrote nothing: no record, no Idempotency-Key claimed. */
async function refusedWithoutWriting(
  send: (key: string) => Promise<CallResult>,
  status: number,
  field?: string,
) {
  const before = await merchantItems();
  const key = randomUUID();
  const response = await send(key);
  if (field) expectInvalid(response, field);
  else expectProblem(response, status);
  expect(response.status).toBe(status);
  expect(await merchantItems()).toEqual(before);
  expect(await storedKey(key)).toBeUndefined();
  return response;
}

/** A POST that must be refused with `status`, writing nothing. */
const refusedCreate = (path: string, body: unknown, token: string, status: number, field?: string) =>
  refusedWithoutWriting((key) => post(path, body, token, key), status, field);

async function newStaff(body: Record<string, unknown>) {
  const response = await post("/v1/staff", { locationIds: "*", ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.staff as { id: string; role: Role; active: boolean };
}

async function setRole(role: Role, permissions: readonly string[]) {
  const response = await put(`/v1/roles/${role}`, { permissions });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

const resetRoles = async () => {
  await setRole("manager", DEFAULT_ROLE_PERMISSIONS.manager);
  await setRole("staff", DEFAULT_ROLE_PERMISSIONS.staff);
};

const purchaseRule = (points = 1, per = "1.00") => ({
  kind: "purchase",
  currency: "EUR",
  points,
  per,
  rounding: "down",
});

describe("staff", () => {
  it("lists the merchant's staff as views, without storage keys", async () => {
    const response = await get("/v1/staff");
    expect(response.status).toBe(200);
    expect(response.body.staff).toEqual(
      expect.arrayContaining([
        {
          id: DEMO.staff.alice.id,
          name: "Alice",
          role: "owner",
          locationIds: "*",
          email: DEMO.staff.alice.email,
          hasSignIn: true,
          active: true,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
        expect.objectContaining({ id: DEMO.staff.bob.id, role: "staff", locationIds: ["paris-01"] }),
      ]),
    );
    expect(JSON.stringify(response.body)).not.toMatch(/"pk"|"sk"|MERCHANT#/);
  });

  it("creates a member once per Idempotency-Key, and refuses the key reused for another body", async () => {
    const key = randomUUID();
    const body = {
      name: "Chloé",
      role: "manager",
      locationIds: ["paris-01", "lyon-01"],
      email: "Chloe@Example.com",
    };
    const before = (await get("/v1/staff")).body.staff.length;
    const created = await post("/v1/staff", body, alice, key);
    expect(created.status).toBe(201);
    expect(created.body.staff).toEqual({
      id: expect.stringMatching(/^staff_/),
      name: "Chloé",
      role: "manager",
      locationIds: ["paris-01", "lyon-01"],
      email: "chloe@example.com",
      hasSignIn: true,
      active: true,
      createdAt: expect.any(String),
      updatedAt: created.body.staff.createdAt,
    });
    const again = await post("/v1/staff", body, alice, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(created.body);
    const other = await post("/v1/staff", { ...body, name: "Someone else" }, alice, key);
    expectProblem(other, 422);
    const list = (await get("/v1/staff")).body.staff;
    expect(list).toHaveLength(before + 1);
    expect(list).toContainEqual(created.body.staff);
  });

  it("updates name, role and locations", async () => {
    const member = await newStaff({ name: "Dan", role: "staff", locationIds: ["paris-01"] });
    const response = await patch(`/v1/staff/${member.id}`, {
      name: "Daniel",
      role: "manager",
      locationIds: ["lyon-01"],
    });
    expect(response.status).toBe(200);
    expect(response.body.staff).toMatchObject({
      id: member.id,
      name: "Daniel",
      role: "manager",
      locationIds: ["lyon-01"],
      active: true,
    });
    expect((await get("/v1/staff")).body.staff).toContainEqual(response.body.staff);
    const everywhere = await patch(`/v1/staff/${member.id}`, { locationIds: "*" });
    expect(everywhere.body.staff).toMatchObject({ name: "Daniel", locationIds: "*" });
  });

  it("refuses a deactivated member's token at once, and accepts it again after reactivation", async () => {
    const member = await newStaff({ name: "Eve", role: "staff", locationIds: ["paris-01"] });
    const token = await tokenFor(member.id);
    const scan = () => get(`/v1/scan/${DEMO.customers.camille.barcode}?locationId=paris-01`, token);
    expect((await scan()).status).toBe(200);
    expect((await get("/v1/locations", token)).status).toBe(200);

    const off = await patch(`/v1/staff/${member.id}`, { active: false });
    expect(off.status).toBe(200);
    expect(off.body.staff.active).toBe(false);
    expectProblem(await scan(), 401);
    expectProblem(await get("/v1/locations", token), 401);
    expect(
      (
        await post(
          "/v1/transactions",
          {
            barcode: DEMO.customers.camille.barcode,
            locationId: "paris-01",
            type: "purchase",
            amount: "5.00",
            currency: "EUR",
          },
          token,
        )
      ).status,
    ).toBe(401);

    expect((await patch(`/v1/staff/${member.id}`, { active: true })).status).toBe(200);
    expect((await scan()).status).toBe(200);
  });

  it.each([
    ["an unknown field", { name: "X", role: "staff", locationIds: "*", nickname: "x" }, "nickname"],
    ["a name that is not a string", { name: 42, role: "staff", locationIds: "*" }, "name"],
    ["an empty name", { name: "  ", role: "staff", locationIds: "*" }, "name"],
    ["a missing name", { role: "staff", locationIds: "*" }, "name"],
    ["an unknown role", { name: "X", role: "admin", locationIds: "*" }, "role"],
    [
      "an unknown location",
      { name: "X", role: "staff", locationIds: ["paris-01", "nowhere"] },
      "locationIds",
    ],
    [
      "another merchant's location id",
      { name: "X", role: "staff", locationIds: [OTHER.locationId] },
      "locationIds",
    ],
    ["locations as a word", { name: "X", role: "staff", locationIds: "all" }, "locationIds"],
    ["no locations", { name: "X", role: "staff", locationIds: [] }, "locationIds"],
    ["a location id with a #", { name: "X", role: "staff", locationIds: ["paris-01#x"] }, "locationIds"],
    ["a bad email", { name: "X", role: "staff", locationIds: "*", email: "not-an-email" }, "email"],
  ])("refuses creating staff with %s (400 naming the field), writing nothing", async (_name, body, field) => {
    await refusedCreate("/v1/staff", body, alice, 400, field);
  });

  it("requires an Idempotency-Key to create", async () => {
    const before = await merchantItems();
    const response = await post("/v1/staff", { name: "X", role: "staff", locationIds: "*" }, alice, null);
    expectInvalid(response, "header.Idempotency-Key");
    expect(await merchantItems()).toEqual(before);
  });

  it.each([
    ["an empty body", {}, "body"],
    ["an unknown field", { nickname: "x" }, "nickname"],
    ["active as a string", { active: "no" }, "active"],
    ["an unknown role", { role: "boss" }, "role"],
    ["an unknown location", { locationIds: ["nowhere"] }, "locationIds"],
  ])("refuses a change with %s (400 naming the field), writing nothing", async (_name, body, field) => {
    await refusedWithoutWriting(() => patch(`/v1/staff/${DEMO.staff.bob.id}`, body), 400, field);
  });

  it("answers 404 for an unknown member and 400 for a malformed id", async () => {
    await refusedWithoutWriting(() => patch("/v1/staff/staff_nobody", { name: "X" }), 404);
    await refusedWithoutWriting(() => patch("/v1/staff/a%23b", { name: "X" }), 400, "path.staffId");
  });

  it("refuses anyone without staff:manage (403), writing nothing", async () => {
    await refusedWithoutWriting(() => get("/v1/staff", bob), 403);
    await refusedCreate("/v1/staff", { name: "X", role: "staff", locationIds: "*" }, bob, 403);
    await refusedWithoutWriting(() => patch(`/v1/staff/${DEMO.staff.bob.id}`, { role: "manager" }, bob), 403);
  });
});

describe("owners", () => {
  it("cannot deactivate themselves or drop their own owner role (409), writing nothing", async () => {
    await refusedWithoutWriting(() => patch(`/v1/staff/${DEMO.staff.alice.id}`, { active: false }), 409);
    await refusedWithoutWriting(() => patch(`/v1/staff/${DEMO.staff.alice.id}`, { role: "manager" }), 409);
    // Other changes to oneself are fine.
    const renamed = await patch(`/v1/staff/${DEMO.staff.alice.id}`, { name: "Alice", active: true });
    expect(renamed.status).toBe(200);
  });

  it("may be created, demoted and deactivated by another owner", async () => {
    const olivia = await newStaff({ name: "Olivia", role: "owner" });
    const token = await tokenFor(olivia.id);
    expect((await get("/v1/staff", token)).status).toBe(200);
    expect((await patch(`/v1/staff/${olivia.id}`, { active: false })).status).toBe(200);
    expectProblem(await get("/v1/staff", token), 401);
    expect((await patch(`/v1/staff/${olivia.id}`, { active: true, role: "manager" })).status).toBe(200);
    // A manager lacks staff:manage by default.
    expectProblem(await get("/v1/staff", token), 403);
  });

  it("never all deactivate each other at once: the merchant keeps an active owner", async () => {
    for (let round = 0; round < 5; round++) {
      const olivia = await newStaff({ name: `Olivia ${round}`, role: "owner" });
      const oliviaToken = await tokenFor(olivia.id);
      const [byAlice, byOlivia] = await Promise.all([
        patch(`/v1/staff/${olivia.id}`, { active: false }, alice),
        patch(`/v1/staff/${DEMO.staff.alice.id}`, { active: false }, oliviaToken),
      ]);
      const statuses = [byAlice.status, byOlivia.status];
      expect(
        statuses.filter((s) => s === 200),
        JSON.stringify(statuses),
      ).toHaveLength(1);
      for (const s of statuses) expect([200, 401, 409]).toContain(s);
      const owners = (
        (await get("/v1/staff", byAlice.status === 200 ? alice : oliviaToken)).body.staff as {
          role: Role;
          active: boolean;
        }[]
      ).filter((s) => s.role === "owner" && s.active);
      expect(owners.length).toBeGreaterThanOrEqual(1);
      // Put Alice back when Olivia won, and retire Olivia.
      if (byOlivia.status === 200) {
        expect((await patch(`/v1/staff/${DEMO.staff.alice.id}`, { active: true }, oliviaToken)).status).toBe(
          200,
        );
      }
      expect((await patch(`/v1/staff/${olivia.id}`, { active: false, role: "staff" }, alice)).status).toBe(
        200,
      );
    }
  });

  it("alone may make or change an owner, even for a manager allowed to manage staff (403)", async () => {
    await setRole("manager", [...DEFAULT_ROLE_PERMISSIONS.manager, "staff:manage"]);
    try {
      const mia = await newStaff({ name: "Mia", role: "manager" });
      const token = await tokenFor(mia.id);
      expect((await get("/v1/staff", token)).status).toBe(200);
      await refusedCreate("/v1/staff", { name: "X", role: "owner", locationIds: "*" }, token, 403);
      await refusedWithoutWriting(
        () => patch(`/v1/staff/${DEMO.staff.bob.id}`, { role: "owner" }, token),
        403,
      );
      await refusedWithoutWriting(
        () => patch(`/v1/staff/${DEMO.staff.alice.id}`, { active: false }, token),
        403,
      );
      await refusedWithoutWriting(() => patch(`/v1/staff/${DEMO.staff.alice.id}`, { name: "A" }, token), 403);
      // What the manager's role allows, they may do.
      const created = await post(
        "/v1/staff",
        { name: "Sam", role: "staff", locationIds: ["paris-01"] },
        token,
      );
      expect(created.status).toBe(201);
      await refusedWithoutWriting(() => patch(`/v1/staff/${mia.id}`, { active: false }, token), 409);
    } finally {
      await resetRoles();
    }
  });
});

describe("roles", () => {
  beforeEach(resetRoles);

  it("lists each role's effective permissions", async () => {
    const response = await get("/v1/roles");
    expect(response.status).toBe(200);
    // Permissions come in the order of PERMISSIONS, whatever order they were set in.
    const inOrder = (list: readonly string[]) => PERMISSIONS.filter((p) => list.includes(p));
    expect(response.body.roles).toEqual([
      { role: "owner", permissions: [...PERMISSIONS], custom: false, editable: false },
      {
        role: "manager",
        permissions: inOrder(DEFAULT_ROLE_PERMISSIONS.manager),
        custom: true,
        editable: true,
      },
      { role: "staff", permissions: inOrder(DEFAULT_ROLE_PERMISSIONS.staff), custom: true, editable: true },
    ]);
  });

  it("applies a role change on the next request of everyone holding it, and its removal too", async () => {
    expectProblem(await get("/v1/staff", bob), 403);
    await setRole("staff", [...DEFAULT_ROLE_PERMISSIONS.staff, "staff:manage"]);
    expect((await get("/v1/staff", bob)).status).toBe(200);
    const roles = (await get("/v1/roles")).body.roles;
    expect(roles.find((r: { role: string }) => r.role === "staff").permissions).toContain("staff:manage");
    await setRole("staff", DEFAULT_ROLE_PERMISSIONS.staff);
    expectProblem(await get("/v1/staff", bob), 403);
  });

  it("tells each member who they are and what their role may do now (GET /v1/session)", async () => {
    const own = await get("/v1/session", bob);
    expect(own.status).toBe(200);
    expect(own.body.staff).toMatchObject({ id: DEMO.staff.bob.id, role: "staff", locationIds: ["paris-01"] });
    expect(own.body.permissions).toEqual([...DEFAULT_ROLE_PERMISSIONS.staff].sort());
    expect(own.body.merchant).toMatchObject({ id: DEMO.merchantId, currency: "EUR" });
    await setRole("staff", [...DEFAULT_ROLE_PERMISSIONS.staff, "activity:read"]);
    expect((await get("/v1/session", bob)).body.permissions).toContain("activity:read");
    expect((await get("/v1/session", alice)).body.permissions).toEqual([...PERMISSIONS].sort());
    expect((await get("/v1/session", mallory)).body.merchant.id).toBe(OTHER_MERCHANT.merchantId);
    expect((await stack.call("GET", "/v1/session")).status).toBe(401);
  });

  it("can take a default permission away: staff without customers:read cannot scan", async () => {
    const scan = () => get(`/v1/scan/${DEMO.customers.camille.barcode}?locationId=paris-01`, bob);
    expect((await scan()).status).toBe(200);
    await setRole("staff", ["transactions:create"]);
    expectProblem(await scan(), 403);
  });

  it("does not let a member grant permissions they do not hold (403)", async () => {
    await setRole("staff", [...DEFAULT_ROLE_PERMISSIONS.staff, "staff:manage"]);
    await refusedWithoutWriting(
      () =>
        put(
          "/v1/roles/staff",
          { permissions: [...DEFAULT_ROLE_PERMISSIONS.staff, "staff:manage", "points:adjust"] },
          bob,
        ),
      403,
    );
    // Nor lift someone to a role above their own.
    await refusedCreate("/v1/staff", { name: "X", role: "manager", locationIds: "*" }, bob, 403);
    // Nor give access to locations they may not use themselves.
    await refusedCreate("/v1/staff", { name: "X", role: "staff", locationIds: "*" }, bob, 403);
    await refusedWithoutWriting(
      () => patch(`/v1/staff/${DEMO.staff.bob.id}`, { locationIds: "*" }, bob),
      403,
    );
    const peer = await post("/v1/staff", { name: "Pia", role: "staff", locationIds: ["paris-01"] }, bob);
    expect(peer.status).toBe(201);
  });

  it("replays a create to its creator after their location was taken away: the key is read first", async () => {
    await setRole("staff", [...DEFAULT_ROLE_PERMISSIONS.staff, "staff:manage"]);
    const key = randomUUID();
    const body = { name: "Quinn", role: "staff", locationIds: ["paris-01"] };
    const created = await post("/v1/staff", body, bob, key);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bobAt = (locationIds: string[]) => patch(`/v1/staff/${DEMO.staff.bob.id}`, { locationIds });
    try {
      expect((await bobAt(["lyon-01"])).status).toBe(200);
      const again = await post("/v1/staff", body, bob, key);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body).toEqual(created.body);
      // A new request is decided by the rights Bob holds now.
      await refusedCreate("/v1/staff", body, bob, 403);
    } finally {
      await bobAt(["paris-01"]);
    }
  });

  it("keeps concurrent changes to different roles", async () => {
    await Promise.all([
      put("/v1/roles/manager", { permissions: ["activity:read"] }),
      put("/v1/roles/staff", { permissions: ["customers:read"] }),
    ]);
    const roles = (await get("/v1/roles")).body.roles;
    expect(roles.map((r: { permissions: string[] }) => r.permissions)).toEqual([
      [...PERMISSIONS],
      ["activity:read"],
      ["customers:read"],
    ]);
  });

  it.each([
    ["the owner role", "owner", { permissions: ["customers:read"] }, "path.role"],
    ["an unknown role", "admin", { permissions: ["customers:read"] }, "path.role"],
    ["an unknown permission", "staff", { permissions: ["customers:read", "everything"] }, "permissions.1"],
    ["a repeated permission", "staff", { permissions: ["customers:read", "customers:read"] }, "permissions"],
    ["permissions as a string", "staff", { permissions: "customers:read" }, "permissions"],
    ["an unknown field", "staff", { permissions: [], extra: true }, "extra"],
  ])("refuses %s (400 naming the field), writing nothing", async (_name, role, body, field) => {
    await refusedWithoutWriting(() => put(`/v1/roles/${role}`, body), 400, field);
  });

  it("refuses anyone without staff:manage (403)", async () => {
    await refusedWithoutWriting(() => get("/v1/roles", bob), 403);
    await refusedWithoutWriting(() => put("/v1/roles/staff", { permissions: [...PERMISSIONS] }, bob), 403);
  });
});

describe("locations", () => {
  it("shows each member the locations they may use, and location managers all of them", async () => {
    const all = await get("/v1/locations");
    expect(all.status).toBe(200);
    expect(all.body.locations).toEqual(
      expect.arrayContaining([
        {
          id: "paris-01",
          name: "Paris 01",
          programId: "prog_paris-01",
          // What a scanner shows for the location, without programs:manage.
          program: expect.objectContaining({
            id: "prog_paris-01",
            description: expect.stringMatching(/^1 point per 1\.00 EUR spent, rounded down;/),
          }),
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
        expect.objectContaining({ id: "lyon-01", programId: "prog_lyon-01" }),
      ]),
    );
    const bobs = await get("/v1/locations", bob);
    expect(bobs.status).toBe(200);
    expect(bobs.body.locations.map((l: { id: string }) => l.id)).toEqual(["paris-01"]);
    const manager = await newStaff({ name: "Max", role: "manager", locationIds: ["lyon-01"] });
    const managerToken = await tokenFor(manager.id);
    expect(
      (await get("/v1/locations", managerToken)).body.locations.map((l: { id: string }) => l.id),
    ).toEqual(["lyon-01"]);
    await setRole("manager", [...DEFAULT_ROLE_PERMISSIONS.manager, "locations:manage"]);
    try {
      const managed = await get("/v1/locations", managerToken);
      expect(managed.body.locations.length).toBe(all.body.locations.length);
    } finally {
      await resetRoles();
    }
  });

  it("creates a location once per key, on which points are then earned with its program", async () => {
    const key = randomUUID();
    const created = await post("/v1/locations", { name: "Nice 01", programId: "prog_paris-01" }, alice, key);
    expect(created.status).toBe(201);
    expect(created.body.location).toEqual({
      id: expect.stringMatching(/^loc_/),
      name: "Nice 01",
      programId: "prog_paris-01",
      createdAt: expect.any(String),
      updatedAt: created.body.location.createdAt,
    });
    const again = await post("/v1/locations", { name: "Nice 01", programId: "prog_paris-01" }, alice, key);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(created.body);
    const ids = (await get("/v1/locations")).body.locations.map((l: { id: string }) => l.id);
    expect(ids.filter((id: string) => id === created.body.location.id)).toHaveLength(1);

    const earned = await post("/v1/transactions", {
      customerId: DEMO.customers.camille.id,
      locationId: created.body.location.id,
      type: "purchase",
      amount: "5.00",
      currency: "EUR",
    });
    expect(earned.status).toBe(201);
    expect(earned.body.transaction).toMatchObject({ points: 5, programId: "prog_paris-01" });
  });

  it("renames a location and moves it to another program", async () => {
    const created = (await post("/v1/locations", { name: "Lille", programId: "prog_paris-01" })).body
      .location;
    const moved = await patch(`/v1/locations/${created.id}`, { name: "Lille 01", programId: "prog_lyon-01" });
    expect(moved.status).toBe(200);
    expect(moved.body.location).toMatchObject({
      id: created.id,
      name: "Lille 01",
      programId: "prog_lyon-01",
    });
    // The list names the program the location now earns with.
    expect((await get("/v1/locations")).body.locations).toContainEqual({
      ...moved.body.location,
      program: expect.objectContaining({ id: "prog_lyon-01" }),
    });
    const renamed = await patch(`/v1/locations/${created.id}`, { name: "Lille Centre" });
    expect(renamed.body.location).toMatchObject({ name: "Lille Centre", programId: "prog_lyon-01" });
  });

  it.each([
    ["an unknown program", { name: "X", programId: "prog_nowhere" }, "programId"],
    ["another merchant's program id", { name: "X", programId: OTHER.programId }, "programId"],
    ["a missing program", { name: "X" }, "programId"],
    ["an empty name", { name: "", programId: "prog_paris-01" }, "name"],
    ["an unknown field", { name: "X", programId: "prog_paris-01", city: "Nice" }, "city"],
    ["a program id of the wrong type", { name: "X", programId: 7 }, "programId"],
  ])(
    "refuses creating a location with %s (400 naming the field), writing nothing",
    async (_n, body, field) => {
      await refusedCreate("/v1/locations", body, alice, 400, field);
    },
  );

  it.each([
    ["an empty body", {}, "body"],
    ["an unknown program", { programId: "prog_nowhere" }, "programId"],
    ["an unknown field", { city: "Paris" }, "city"],
  ])("refuses a change with %s (400 naming the field), writing nothing", async (_n, body, field) => {
    await refusedWithoutWriting(() => patch("/v1/locations/paris-01", body), 400, field);
  });

  it("answers 404 for an unknown location, and 403 to anyone without locations:manage", async () => {
    await refusedWithoutWriting(() => patch("/v1/locations/nowhere", { name: "X" }), 404);
    await refusedCreate("/v1/locations", { name: "X", programId: "prog_paris-01" }, bob, 403);
    await refusedWithoutWriting(() => patch("/v1/locations/paris-01", { name: "X" }, bob), 403);
  });
});

describe("programs", () => {
  async function newProgram(rule: Record<string, unknown> = purchaseRule(), name = "Points") {
    const response = await post("/v1/programs", { name, rule });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.program as { id: string; version: number };
  }

  it("creates a program at version 1 once per key, and lists only current programs", async () => {
    const key = randomUUID();
    const body = {
      name: "Double points",
      rule: { kind: "purchase", currency: "JPY", points: 2, per: "100" },
    };
    const created = await post("/v1/programs", body, alice, key);
    expect(created.status).toBe(201);
    expect(created.body.program).toEqual({
      id: expect.stringMatching(/^prog_/),
      name: "Double points",
      version: 1,
      rule: { kind: "purchase", currency: "JPY", points: 2, per: "100", rounding: "down" },
      expiry: { kind: "none" },
      tiers: null,
      referrals: null,
      description: "2 points per 100 JPY spent, rounded down; points do not expire",
      updatedAt: expect.any(String),
      updatedBy: DEMO.staff.alice.id,
    });
    const again = await post("/v1/programs", body, alice, key);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(created.body);

    await put(`/v1/programs/${created.body.program.id}`, { ...body, name: "Triple" });
    const list = (await get("/v1/programs")).body.programs as { id: string; version: number }[];
    const ids = list.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["prog_paris-01", "prog_lyon-01", created.body.program.id]));
    expect(list.find((p) => p.id === created.body.program.id)).toMatchObject({ version: 2, name: "Triple" });
    const one = await get(`/v1/programs/${created.body.program.id}`);
    expect(one.status).toBe(200);
    expect(one.body.program).toMatchObject({ version: 2, name: "Triple" });
  });

  it("saves each change as a new version and keeps every version, newest first", async () => {
    const program = await newProgram(purchaseRule(1));
    for (const points of [2, 3, 4]) {
      const saved = await put(`/v1/programs/${program.id}`, {
        name: `Points x${points}`,
        rule: purchaseRule(points),
      });
      expect(saved.status).toBe(200);
      expect(saved.body.program).toMatchObject({ version: points, rule: { points } });
    }
    const visit = { kind: "visit", pointsPerVisit: 5, minMinutesBetweenVisits: 30 };
    expect(
      (await put(`/v1/programs/${program.id}`, { name: "Visits", rule: visit })).body.program.version,
    ).toBe(5);

    const history = await get(`/v1/programs/${program.id}/versions`);
    expect(history.status).toBe(200);
    expect(history.body.nextCursor).toBeNull();
    expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([5, 4, 3, 2, 1]);
    expect(history.body.versions.map((v: { rule: unknown }) => v.rule)).toEqual([
      visit,
      purchaseRule(4),
      purchaseRule(3),
      purchaseRule(2),
      purchaseRule(1),
    ]);
    expect(history.body.versions[0]).toEqual((await get(`/v1/programs/${program.id}`)).body.program);

    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const page: CallResult = await get(
        `/v1/programs/${program.id}/versions?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      pages.push(...page.body.versions.map((v: { version: number }) => v.version));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([5, 4, 3, 2, 1]);
  });

  it("saves nothing when the settings are unchanged, so a retried PUT adds no version", async () => {
    const program = await newProgram();
    const body = { name: "Points", rule: purchaseRule(7) };
    expect((await put(`/v1/programs/${program.id}`, body)).body.program.version).toBe(2);
    const before = await merchantItems();
    const again = await put(`/v1/programs/${program.id}`, {
      ...body,
      rule: { ...body.rule, rounding: "down" },
    });
    expect(again.status).toBe(200);
    expect(again.body.program.version).toBe(2);
    expect(await merchantItems()).toEqual(before);
  });

  it("keeps past ledger explanations true: entries name the version they were computed with", async () => {
    const program = await newProgram(purchaseRule(1), "Ledger");
    const location = (await post("/v1/locations", { name: "Ledger shop", programId: program.id })).body
      .location;
    const earn = () =>
      post("/v1/transactions", {
        customerId: DEMO.customers.camille.id,
        locationId: location.id,
        type: "purchase",
        amount: "10.00",
        currency: "EUR",
      });
    const first = (await earn()).body.transaction;
    await put(`/v1/programs/${program.id}`, { name: "Ledger", rule: purchaseRule(3) });
    const second = (await earn()).body.transaction;
    expect(first).toMatchObject({ programId: program.id, programVersion: 1, points: 10 });
    expect(second).toMatchObject({ programId: program.id, programVersion: 2, points: 30 });
    const versions = (await get(`/v1/programs/${program.id}/versions`)).body.versions;
    const ruleOf = (version: number) => versions.find((v: { version: number }) => v.version === version).rule;
    expect(ruleOf(1)).toEqual(purchaseRule(1));
    expect(ruleOf(2)).toEqual(purchaseRule(3));
    expect(first.explanation).toBe("10.00 EUR × 1 point per 1.00 EUR = 10 → 10 points");
  });

  it("turns concurrent saves into distinct consecutive versions, losing none", async () => {
    const program = await newProgram(purchaseRule(1));
    const points = [10, 11, 12, 13, 14, 15, 16, 17];
    const responses = await Promise.all(
      points.map((p) => put(`/v1/programs/${program.id}`, { name: `P${p}`, rule: purchaseRule(p) })),
    );
    for (const response of responses) expect(response.status, JSON.stringify(response.body)).toBe(200);
    const returned = responses.map((r) => r.body.program.version).sort((a, b) => a - b);
    expect(returned).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const history = (await get(`/v1/programs/${program.id}/versions`)).body.versions as {
      version: number;
      rule: { points: number };
    }[];
    expect(history.map((v) => v.version)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    // Every save is in the history exactly once, at the version its response named.
    expect(
      history
        .slice(0, 8)
        .map((v) => v.rule.points)
        .sort((a, b) => a - b),
    ).toEqual(points);
    for (const response of responses) {
      const { version, rule } = response.body.program;
      expect(history.find((v) => v.version === version)?.rule).toEqual(rule);
    }
    expect((await get(`/v1/programs/${program.id}`)).body.program).toEqual(history[0]);
  });

  const badRules: [string, unknown, string][] = [
    ["an unknown kind", { kind: "gift" }, "rule.kind"],
    ["no rule", undefined, "rule"],
    ["a rule that is not an object", "1 per euro", "rule"],
    ["zero points", purchaseRule(0), "rule.points"],
    ["fractional points", purchaseRule(1.5), "rule.points"],
    ["too many points", purchaseRule(1_000_001), "rule.points"],
    ["points as a string", { ...purchaseRule(), points: "10" }, "rule.points"],
    ["a zero per", purchaseRule(1, "0"), "rule.per"],
    ["a negative per", purchaseRule(1, "-1.00"), "rule.per"],
    ["a per with more decimals than the currency", purchaseRule(1, "1.005"), "rule.per"],
    ["a per with decimals in JPY", { ...purchaseRule(1, "1.5"), currency: "JPY" }, "rule.per"],
    ["a per that is a number", { ...purchaseRule(), per: 1 }, "rule.per"],
    ["an unknown currency", { ...purchaseRule(), currency: "XYZ" }, "rule.currency"],
    ["a lower-case currency", { ...purchaseRule(), currency: "eur" }, "rule.currency"],
    ["an unknown rounding", { ...purchaseRule(), rounding: "sideways" }, "rule.rounding"],
    ["an unknown field in the rule", { ...purchaseRule(), bonus: 2 }, "rule.bonus"],
    [
      "purchase fields on a visit",
      { kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: 0, per: "1" },
      "rule.per",
    ],
    ["a visit without points", { kind: "visit", minMinutesBetweenVisits: 0 }, "rule.pointsPerVisit"],
    [
      "a negative interval",
      { kind: "visit", pointsPerVisit: 1, minMinutesBetweenVisits: -1 },
      "rule.minMinutesBetweenVisits",
    ],
  ];

  it.each(badRules)(
    "refuses creating with %s (400 naming the field), writing nothing",
    async (_n, rule, field) => {
      await refusedCreate("/v1/programs", { name: "X", rule }, alice, 400, field);
    },
  );

  it.each(badRules)("refuses saving %s (400 naming the field), writing nothing", async (_n, rule, field) => {
    await refusedWithoutWriting(() => put("/v1/programs/prog_paris-01", { name: "X", rule }), 400, field);
  });

  it.each([
    ["an empty name", { name: "", rule: purchaseRule() }, "name"],
    ["an unknown field", { name: "X", rule: purchaseRule(), active: true }, "active"],
    ["no name", { rule: purchaseRule() }, "name"],
  ])("refuses a program with %s", async (_n, body, field) => {
    await refusedWithoutWriting(() => put("/v1/programs/prog_paris-01", body), 400, field);
    await refusedCreate("/v1/programs", body, alice, 400, field);
  });

  it("answers 404 for an unknown program and 400 for malformed ids or paging", async () => {
    await refusedWithoutWriting(() => get("/v1/programs/prog_nowhere"), 404);
    await refusedWithoutWriting(
      () => put("/v1/programs/prog_nowhere", { name: "X", rule: purchaseRule() }),
      404,
    );
    await refusedWithoutWriting(() => get("/v1/programs/prog_nowhere/versions"), 404);
    // An id reaching into a version item's key must never address it.
    await refusedWithoutWriting(
      () => put("/v1/programs/prog_paris-01%23V%23000001", { name: "X", rule: purchaseRule() }),
      400,
      "path.programId",
    );
    for (const query of ["limit=0", "limit=1000", "cursor=garbage", "sort=asc"]) {
      expectInvalid(
        await get(`/v1/programs/prog_paris-01/versions?${query}`),
        `query.${query.split("=")[0]}`,
      );
    }
  });

  it("refuses anyone without programs:manage (403), writing nothing", async () => {
    for (const path of [
      "/v1/programs",
      "/v1/programs/prog_paris-01",
      "/v1/programs/prog_paris-01/versions",
    ]) {
      await refusedWithoutWriting(() => get(path, bob), 403);
    }
    const body = { name: "X", rule: purchaseRule(100) };
    await refusedCreate("/v1/programs", body, bob, 403);
    await refusedWithoutWriting(() => put("/v1/programs/prog_paris-01", body, bob), 403);
  });
});

describe("another merchant", () => {
  it("never sees this merchant's staff, locations, programs or roles in its lists", async () => {
    const staff = await get("/v1/staff", mallory);
    expect(staff.status).toBe(200);
    expect(staff.body.staff.map((s: { id: string }) => s.id)).toEqual([OTHER_MERCHANT.staffId]);
    const locations = (await get("/v1/locations", mallory)).body.locations;
    expect(locations.map((l: { id: string }) => l.id)).toEqual([OTHER.locationId]);
    const programs = (await get("/v1/programs", mallory)).body.programs;
    expect(programs.map((p: { id: string }) => p.id)).toEqual([OTHER.programId]);
    // And this merchant's lists never show the other's.
    expect(JSON.stringify((await get("/v1/locations")).body)).not.toContain(OTHER.locationId);
    expect(JSON.stringify((await get("/v1/programs")).body)).not.toContain(OTHER.programId);
    expect(JSON.stringify((await get("/v1/staff")).body)).not.toContain(OTHER_MERCHANT.staffId);
    const roles = (await get("/v1/roles", mallory)).body.roles;
    expect(roles.every((r: { custom: boolean }) => !r.custom)).toBe(true);
  });

  it("can neither read nor change them by id (404), and cannot reference them (400)", async () => {
    const rule = purchaseRule(1000);
    await refusedWithoutWriting(
      () => patch(`/v1/staff/${DEMO.staff.bob.id}`, { active: false }, mallory),
      404,
    );
    await refusedWithoutWriting(() => patch("/v1/locations/paris-01", { name: "Mine" }, mallory), 404);
    await refusedWithoutWriting(() => get("/v1/programs/prog_paris-01", mallory), 404);
    await refusedWithoutWriting(() => get("/v1/programs/prog_paris-01/versions", mallory), 404);
    await refusedWithoutWriting(
      () => put("/v1/programs/prog_paris-01", { name: "Mine", rule }, mallory),
      404,
    );
    const before = await merchantItems();
    expectInvalid(
      await post("/v1/locations", { name: "X", programId: "prog_paris-01" }, mallory),
      "programId",
    );
    expectInvalid(
      await post("/v1/staff", { name: "X", role: "staff", locationIds: ["paris-01"] }, mallory),
      "locationIds",
    );
    expect(await merchantItems()).toEqual(before);
    expect(
      (await get("/v1/staff")).body.staff.find((s: { id: string }) => s.id === DEMO.staff.bob.id).active,
    ).toBe(true);
  });

  it("changes only its own roles", async () => {
    const before = (await get("/v1/roles")).body;
    expect((await put("/v1/roles/staff", { permissions: [...PERMISSIONS] }, mallory)).status).toBe(200);
    expect((await get("/v1/roles")).body).toEqual(before);
    expectProblem(await get("/v1/staff", bob), 403);
  });
});

describe("program expiry settings", () => {
  it("saves an expiry policy as part of a new version, and refuses a bad one", async () => {
    const alice = await stack.token("alice");
    const created = await stack.call("POST", "/v1/programs", {
      token: alice,
      headers: { "idempotency-key": `expiry-${Date.now()}` },
      body: {
        name: "Expiring",
        rule: { kind: "visit", pointsPerVisit: 5, minMinutesBetweenVisits: 0 },
        expiry: { kind: "rolling", days: 90 },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.program).toMatchObject({ version: 1, expiry: { kind: "rolling", days: 90 } });
    const updated = await stack.call("PUT", `/v1/programs/${created.body.program.id}`, {
      token: alice,
      body: {
        name: "Expiring",
        rule: { kind: "visit", pointsPerVisit: 5, minMinutesBetweenVisits: 0 },
        expiry: { kind: "fixed", month: 12, day: 31 },
      },
    });
    expect(updated.body.program).toMatchObject({ version: 2, expiry: { kind: "fixed", month: 12, day: 31 } });
    for (const expiry of [
      { kind: "rolling", days: 0 },
      { kind: "fixed", month: 2, day: 30 },
      { kind: "sometimes" },
    ]) {
      const bad = await stack.call("PUT", `/v1/programs/${created.body.program.id}`, {
        token: alice,
        body: {
          name: "Expiring",
          rule: { kind: "visit", pointsPerVisit: 5, minMinutesBetweenVisits: 0 },
          expiry,
        },
      });
      expect(bad.status, JSON.stringify(expiry)).toBe(400);
      expect(bad.body.errors[0].field).toMatch(/^expiry/);
    }
  });
});
