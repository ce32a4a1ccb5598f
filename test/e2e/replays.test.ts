import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * A till that retries with the same Idempotency-Key must get the first answer again, whatever the merchant
 * changed in between: a 400 or 403 on a retry would make it issue the points again some other way.
 */

const camille = DEMO.customers.camille;
let stack: TestStack;
let alice: string;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await stack.token("alice");
});
afterAll(() => stack?.close());

const post = (path: string, body: unknown, token: string, key: string = randomUUID()) =>
  stack.call("POST", path, { token, body, headers: { "idempotency-key": key } });
const patch = (path: string, body: unknown) => stack.call("PATCH", path, { token: alice, body });

/** A location of its own on the demo purchase program, and a staff member who may act only there. */
async function locationWithClerk() {
  const location = await post(
    "/v1/locations",
    { name: `Shop ${randomUUID().slice(0, 6)}`, programId: "prog_paris-01" },
    alice,
  );
  expect(location.status, JSON.stringify(location.body)).toBe(201);
  const locationId = location.body.location.id as string;
  const staff = await post("/v1/staff", { name: "Clerk", role: "staff", locationIds: [locationId] }, alice);
  expect(staff.status, JSON.stringify(staff.body)).toBe(201);
  const staffId = staff.body.staff.id as string;
  return { locationId, staffId, token: await stack.tokenFor(staffId) };
}

const purchaseAt = (locationId: string) => ({
  barcode: camille.barcode,
  locationId,
  type: "purchase",
  amount: "12.00",
  currency: "EUR",
});

async function expectReplay(
  first: { status: number; body: unknown },
  retry: { status: number; body: unknown; headers: Headers },
) {
  expect(retry.status).toBe(first.status);
  expect(retry.body).toEqual(first.body);
  expect(retry.headers.get("idempotent-replayed")).toBe("true");
}

describe("replays win over what changed since", () => {
  it("the location was switched to another program", async () => {
    const { locationId } = await locationWithClerk();
    const key = randomUUID();
    const first = await post("/v1/transactions", purchaseAt(locationId), alice, key);
    expect(first.status).toBe(201);
    expect((await patch(`/v1/locations/${locationId}`, { programId: "prog_lyon-01" })).status).toBe(200);
    await expectReplay(first, await post("/v1/transactions", purchaseAt(locationId), alice, key));
    // A new request sees the switch: the location now counts visits.
    expect((await post("/v1/transactions", purchaseAt(locationId), alice)).status).toBe(400);
  });

  it("the staff member lost the right to act at the location; a deactivated one is refused", async () => {
    const { locationId, staffId, token } = await locationWithClerk();
    const key = randomUUID();
    const first = await post("/v1/transactions", purchaseAt(locationId), token, key);
    expect(first.status).toBe(201);
    expect((await patch(`/v1/staff/${staffId}`, { locationIds: ["lyon-01"] })).status).toBe(200);
    await expectReplay(first, await post("/v1/transactions", purchaseAt(locationId), token, key));
    expect((await post("/v1/transactions", purchaseAt(locationId), token)).status).toBe(403);
    // Authentication still comes first: the same retry from a deactivated member is refused.
    expect((await patch(`/v1/staff/${staffId}`, { active: false })).status).toBe(200);
    expect((await post("/v1/transactions", purchaseAt(locationId), token, key)).status).toBe(401);
  });

  it("the reward was archived", async () => {
    const reward = await post(
      "/v1/rewards",
      {
        programId: "prog_paris-01",
        name: "Biscuit",
        points: 5,
        issuer: "internal",
        discount: { kind: "free_product", product: "Biscuit" },
      },
      alice,
    );
    expect(reward.status, JSON.stringify(reward.body)).toBe(201);
    const rewardId = reward.body.reward.id as string;
    const redemption = { customerId: camille.id, rewardId, locationId: "paris-01" };
    await post("/v1/transactions", purchaseAt("paris-01"), alice);
    const key = randomUUID();
    const first = await post("/v1/redemptions", redemption, alice, key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await stack.call("DELETE", `/v1/rewards/${rewardId}`, { token: alice })).status).toBe(200);
    await expectReplay(first, await post("/v1/redemptions", redemption, alice, key));
    expect((await post("/v1/redemptions", redemption, alice)).status).toBe(400);
  });

  it("the customer's details changed", async () => {
    const key = randomUUID();
    const first = await post("/v1/transactions", purchaseAt("paris-01"), alice, key);
    expect(first.status).toBe(201);
    expect((await patch(`/v1/customers/${camille.id}`, { name: "Camille Martin-Durand" })).status).toBe(200);
    await expectReplay(first, await post("/v1/transactions", purchaseAt("paris-01"), alice, key));
    expect((await patch(`/v1/customers/${camille.id}`, { name: "Camille Martin" })).status).toBe(200);
  });

  it("the same key with another request is a 422, whatever else is wrong with it", async () => {
    const key = randomUUID();
    expect((await post("/v1/transactions", purchaseAt("paris-01"), alice, key)).status).toBe(201);
    const other = await post("/v1/transactions", { ...purchaseAt("paris-01"), amount: "13.00" }, alice, key);
    expect(other.status).toBe(422);
  });
});

describe("the order of checks", () => {
  it("checks where staff may act before what they ask for: a forbidden location with a bad reward is a 403", async () => {
    const bob = await stack.token("bob");
    const elsewhere = await post(
      "/v1/redemptions",
      { customerId: camille.id, rewardId: "rwd_nosuch", locationId: "lyon-01" },
      bob,
    );
    expect(elsewhere.status).toBe(403);
    const own = await post(
      "/v1/redemptions",
      { customerId: camille.id, rewardId: "rwd_nosuch", locationId: "paris-01" },
      bob,
    );
    expect(own.status).toBe(400);
    expect(own.body.errors).toEqual([{ field: "rewardId", reason: "no such reward" }]);
  });
});
