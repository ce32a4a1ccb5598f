import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// GET /v1/holds: the queue a reviewer works from (hold mode, README "Fraud and abuse alerts"). The holds
// themselves are made and decided as test/e2e/fraud-alerts.test.ts shows; here, what the list shows of them.
let stack: TestStack;
let alice: string;
let mia: string;
let miaId: string;
beforeAll(async () => {
  stack = await startTestStack();
  alice = await stack.token("alice");
  const rules = await stack.call("PATCH", "/v1/settings", {
    token: alice,
    body: { alertRules: { holdManualPointsAbove: 100 } },
  });
  expect(rules.status).toBe(200);
  const manager = await send("POST", "/v1/staff", alice, {
    name: "Mia Manager",
    role: "manager",
    locationIds: "*",
  });
  expect(manager.status).toBe(201);
  miaId = manager.body.staff.id;
  mia = await stack.tokenFor(miaId);
});
afterAll(async () => {
  await stack?.close();
});

function send(method: string, path: string, token: string, body?: unknown) {
  return stack.call(method, path, {
    token,
    ...(body === undefined ? {} : { body }),
    headers: { "idempotency-key": randomUUID() },
  });
}

const hold = async (points: number, note: string): Promise<string> => {
  const held = await send("POST", `/v1/customers/${DEMO.customers.camille.id}/points`, mia, {
    points,
    reason: "goodwill",
    note,
  });
  expect(held.status).toBe(202);
  return held.body.hold.id;
};

const list = (token: string, query = "") => stack.call("GET", `/v1/holds${query}`, { token });

it("lists the pending holds newest first, in pages, without the decided ones; another merchant sees none", async () => {
  expect((await list(alice)).body).toEqual({ holds: [], nextCursor: null });
  const ids: string[] = [];
  for (const [i, points] of [150, 200, 250, 300, 350].entries()) ids.push(await hold(points, `hold ${i}`));
  const [first, second, third, fourth, fifth] = ids as [string, string, string, string, string];
  expect((await send("POST", `/v1/holds/${second}/approve`, alice)).status).toBe(201);
  expect((await send("POST", `/v1/holds/${fourth}/reject`, alice, { reason: "no" })).status).toBe(200);

  const all = await list(alice);
  expect(all.status).toBe(200);
  expect(all.body.nextCursor).toBeNull();
  expect(all.body.holds.map((h: { id: string }) => h.id)).toEqual([fifth, third, first]);
  expect(all.body.holds[0]).toEqual({
    id: fifth,
    customerId: DEMO.customers.camille.id,
    status: "pending",
    points: 350,
    reason: "goodwill",
    note: "hold 4",
    occurredAt: null,
    locationId: null,
    requestedBy: miaId,
    createdAt: expect.any(String),
    decision: null,
  });

  // Pages of one: every pending hold once, in order, the decided ones skipped between them.
  const paged: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 5; page++) {
    const answer = await list(mia, `?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
    expect(answer.status).toBe(200);
    expect(answer.body.holds.length).toBeLessThanOrEqual(1);
    paged.push(...answer.body.holds.map((h: { id: string }) => h.id));
    cursor = answer.body.nextCursor;
    if (!cursor) break;
  }
  expect(paged).toEqual([fifth, third, first]);
  expect(cursor).toBeNull();

  // Another merchant's owner sees none of them, and cannot decide one.
  const mallory = await stack.token("mallory");
  expect((await list(mallory)).body).toEqual({ holds: [], nextCursor: null });
  expect((await send("POST", `/v1/holds/${first}/reject`, mallory)).status).toBe(404);
  expect((await list(alice)).body.holds).toHaveLength(3);
});

it("needs alerts:review; a bad limit or cursor is a 400 naming it", async () => {
  expect((await list(await stack.token("bob"))).status).toBe(403);
  for (const [query, field] of [
    ["?limit=0", "query.limit"],
    ["?limit=101", "query.limit"],
    ["?cursor=not*a*cursor", "query.cursor"],
    [`?cursor=${Buffer.from(JSON.stringify({ after: "ALERT#x" })).toString("base64url")}`, "query.cursor"],
    ["?status=approved", "query"],
  ] as const) {
    const refused = await list(alice, query);
    expect(refused.status, query).toBe(400);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body.errors.map((e: { field: string }) => e.field).join(" "), query).toContain(field);
  }
});
