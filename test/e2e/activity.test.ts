import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { createStaff } from "../../shared/merchants/setup.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

let stack: TestStack;
let alice: string;
let bob: string;
let carol: string;
let mallory: string;
const customers: string[] = [];

const post = (path: string, body: unknown, token = alice, key = randomUUID()) =>
  stack.call("POST", path, { token, body, headers: { "idempotency-key": key } });
const earnAt = (customerId: string, locationId: "paris-01" | "lyon-01", token = alice) =>
  post(
    "/v1/transactions",
    locationId === "paris-01"
      ? { customerId, locationId, type: "purchase", amount: "12.50", currency: "EUR" }
      : { customerId, locationId, type: "visit" },
    token,
  );
const activity = (query: string, token = alice) => stack.call("GET", `/v1/activity?${query}`, { token });

beforeAll(async () => {
  stack = await startTestStack();
  // A manager limited to Paris: may read activity, but only Paris's.
  await createStaff(stack.db, {
    merchantId: DEMO.merchantId,
    id: "staff_carol",
    name: "Carol",
    role: "manager",
    locationIds: ["paris-01"],
    active: true,
    createdAt: new Date().toISOString(),
  });
  [alice, bob, carol, mallory] = await Promise.all([
    stack.token("alice"),
    stack.token("bob"),
    stack.tokenFor("staff_carol"),
    stack.token("mallory"),
  ]);
  for (const name of ["Anna Alpha", "Bruno Beta", "Chloé Gamma"]) {
    const response = await post("/v1/customers", { name }, alice);
    customers.push(response.body.customer.id);
  }
  // Paris by bob and alice, Lyon by alice; a manual entry by alice.
  for (const id of customers) {
    expect((await earnAt(id, "paris-01", bob)).status).toBe(201);
    expect((await earnAt(id, "paris-01")).status).toBe(201);
    expect((await earnAt(id, "lyon-01")).status).toBe(201);
  }
});
afterAll(() => stack?.close());

describe("manual points", () => {
  it("issues points by hand for a missed scan, with reason, note and the past visit's time", async () => {
    const occurredAt = "2026-01-15T10:30:00.000Z";
    const response = await post(`/v1/customers/${customers[0]}/points`, {
      points: 50,
      reason: "missed_scan",
      note: "Scanner was offline",
      occurredAt,
      locationId: "paris-01",
    });
    expect(response.status).toBe(201);
    expect(response.body.transaction).toMatchObject({
      type: "manual",
      points: 50,
      reason: "missed_scan",
      note: "Scanner was offline",
      occurredAt,
      staffId: DEMO.staff.alice.id,
      locationId: "paris-01",
      explanation: "Issued by hand for 2026-01-15: +50 points (missed scan)",
    });
    expect(response.body.transaction.createdAt > occurredAt).toBe(true);
    const rows = await activity(`type=manual&q=${encodeURIComponent("Anna Alpha")}`);
    expect(rows.body.rows[0]).toMatchObject({
      type: "manual",
      points: 50,
      staff: { id: DEMO.staff.alice.id, name: "Alice" },
      customer: { id: customers[0], name: "Anna Alpha" },
      location: { id: "paris-01", name: "Paris 01" },
    });
  });

  it("deducts, but never below zero (409, nothing written)", async () => {
    const id = customers[1] as string;
    const before = (await stack.call("GET", `/v1/customers/${id}`, { token: alice })).body.customer
      .balance as number;
    const deduct = await post(`/v1/customers/${id}/points`, { points: -2, reason: "correction" });
    expect(deduct.status).toBe(201);
    expect(deduct.body.transaction.balanceAfter).toBe(before - 2);
    const tooMuch = await post(`/v1/customers/${id}/points`, {
      points: -(before - 2) - 1,
      reason: "correction",
    });
    expect(tooMuch.status).toBe(409);
    const after = await stack.call("GET", `/v1/customers/${id}`, { token: alice });
    expect(after.body.customer.balance).toBe(before - 2);
    expect((await stack.call("GET", `/v1/customers/${id}/ledger/verify`, { token: alice })).body.valid).toBe(
      true,
    );
  });

  it("replays the same key once, and refuses staff without points:adjust", async () => {
    const key = randomUUID();
    const body = { points: 5, reason: "goodwill" };
    const first = await post(`/v1/customers/${customers[2]}/points`, body, alice, key);
    const second = await post(`/v1/customers/${customers[2]}/points`, body, alice, key);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect((await post(`/v1/customers/${customers[2]}/points`, body, bob)).status).toBe(403);
    expect((await post(`/v1/customers/${customers[2]}/points`, body, mallory)).status).toBe(404);
  });

  it.each([
    [{ points: 0, reason: "goodwill" }, "points"],
    [{ points: 1.5, reason: "goodwill" }, "points"],
    [{ points: "10", reason: "goodwill" }, "points"],
    [{ points: 10 }, "reason"],
    [{ points: 10, reason: "because" }, "reason"],
    [{ points: 10, reason: "goodwill", occurredAt: "yesterday" }, "occurredAt"],
    [{ points: 10, reason: "goodwill", occurredAt: "2999-01-01T00:00:00Z" }, "occurredAt"],
    [{ points: 10, reason: "goodwill", locationId: "nowhere" }, "locationId"],
    [{ points: 10, reason: "goodwill", note: "x".repeat(501) }, "note"],
  ])("refuses %j (400 naming %s)", async (body, field) => {
    const response = await post(`/v1/customers/${customers[2]}/points`, body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe("activity log", () => {
  it("filters by each filter alone", async () => {
    const lyon = await activity("locationId=lyon-01&limit=100");
    expect(lyon.body.rows.length).toBeGreaterThanOrEqual(3);
    expect(lyon.body.rows.every((r: { location: { id: string } }) => r.location.id === "lyon-01")).toBe(true);
    const byBob = await activity(`staffId=${DEMO.staff.bob.id}&limit=100`);
    expect(byBob.body.rows).toHaveLength(3);
    expect(byBob.body.rows.every((r: { staff: { name: string } }) => r.staff.name === "Bob")).toBe(true);
    const manual = await activity("type=manual&limit=100");
    expect(manual.body.rows.length).toBeGreaterThan(0);
    expect(manual.body.rows.every((r: { type: string }) => r.type === "manual")).toBe(true);
    const issued = await activity("type=issued&limit=100");
    expect(
      issued.body.rows.every(
        (r: { type: string; points: number }) =>
          ["purchase", "visit"].includes(r.type) || (r.type === "manual" && r.points > 0),
      ),
    ).toBe(true);
    expect(issued.body.rows.some((r: { type: string }) => r.type === "manual")).toBe(true);
    const byCustomer = await activity(`q=${encodeURIComponent("chloe")}&limit=100`);
    expect(new Set(byCustomer.body.rows.map((r: { customer: { id: string } }) => r.customer.id))).toEqual(
      new Set([customers[2]]),
    );
    const future = await activity("from=2999-01-01");
    expect(future.body.rows).toEqual([]);
  });

  it("combines filters", async () => {
    const rows = (await activity(`locationId=paris-01&staffId=${DEMO.staff.bob.id}&q=bruno&type=issued`)).body
      .rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      customer: { id: customers[1] },
      staff: { id: DEMO.staff.bob.id },
      location: { id: "paris-01" },
    });
    const all = (await activity("limit=100")).body.rows as { createdAt: string }[];
    const middle = all[Math.floor(all.length / 2)]?.createdAt as string;
    const older = (await activity(`to=${encodeURIComponent(middle)}&limit=100`)).body.rows as {
      createdAt: string;
    }[];
    expect(older.length).toBeGreaterThan(0);
    expect(older.every((r) => r.createdAt <= middle)).toBe(true);
    const both = (await activity("type=manual,redeemed&locationId=paris-01&limit=100")).body.rows as {
      type: string;
    }[];
    expect(both.every((r) => r.type === "manual")).toBe(true);
  });

  it("pages newest first without repeats or gaps while new entries are written", async () => {
    const before = (await activity("limit=100")).body.rows.map((r: { id: string }) => r.id) as string[];
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: { rows: { id: string; createdAt: string }[]; nextCursor: string | null } } =
        await activity(`limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.body.rows.map((r) => r.id));
      cursor = page.body.nextCursor;
      // Writes between pages: newer than everything already paged, so they must not show up later.
      await earnAt(customers[pages % 3] as string, "paris-01");
      pages++;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(before);
    expect(pages).toBeGreaterThan(2);
  });

  it("shows a location-restricted manager only their locations", async () => {
    const rows = (await activity("limit=100", carol)).body.rows as { location: { id: string } | null }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.location?.id === "paris-01")).toBe(true);
    expect((await activity("locationId=lyon-01", carol)).status).toBe(403);
    expect((await activity("limit=100", bob)).status).toBe(403);
  });

  it("never shows another merchant's activity", async () => {
    const rows = (await activity("limit=100", mallory)).body.rows;
    expect(rows).toEqual([]);
    expect((await activity("q=anna", mallory)).body.rows).toEqual([]);
  });

  it.each([
    "foo=1",
    "type=bogus",
    "type=",
    "from=yesterday",
    "to=2026-13-01",
    "from=2026-02-01&to=2026-01-01",
    "limit=0",
    "limit=1000",
    "limit=ten",
    "cursor=garbage",
    "cursor=eyJmIjoieCIsInAiOnt9fQ",
  ])("refuses %s with a 400 problem", async (query) => {
    const response = await activity(query);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.body.errors[0].field).toMatch(/^query\./);
  });
});
