import { randomUUID } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { notificationSk } from "../../shared/store/notifications/outbox.ts";
import { asCustomer, earn, enrolCustomer, portalTokenFor } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

let stack: TestStack;
let alice: string;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await stack.token("alice");
});
afterAll(() => stack?.close());

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** A fresh customer of the demo merchant and their portal token: each test's ledger is its own. */
async function member(locale: "fr" | "en" = "fr") {
  const id = await enrolCustomer(stack, { name: `Member ${randomUUID().slice(0, 8)}`, locale });
  return { id, token: await portalTokenFor(stack, id) };
}

const file = (token: string, body: Record<string, unknown>, key: string = randomUUID()) =>
  asCustomer(
    stack,
    token,
    "POST",
    "/v1/me/claims",
    { description: "My points did not arrive", ...body },
    {
      "idempotency-key": key,
    },
  );

const decide = (
  claimId: string,
  action: "approve" | "reject",
  body: unknown = {},
  token = alice,
  key = randomUUID(),
) =>
  stack.call("POST", `/v1/claims/${claimId}/${action}`, { token, body, headers: { "idempotency-key": key } });

const purchase = (customerId: string, locationId: string, amount: string) =>
  earn(stack, { customerId, locationId, type: "purchase", amount, currency: "EUR" });

async function ledgerOf(customerId: string) {
  const [customer, verify] = await Promise.all([
    stack.call("GET", `/v1/customers/${customerId}`, { token: alice }),
    stack.call("GET", `/v1/customers/${customerId}/ledger/verify`, { token: alice }),
  ]);
  return { balance: customer.body.customer.balance as number, verify: verify.body };
}

describe("matching a claim against the ledger before anyone looks at it", () => {
  it("finds a purchase already credited there then, for that amount, and closes the claim with the entry", async () => {
    const { id, token } = await member();
    const earned = await purchase(id, "paris-01", "23.40");
    const claim = await file(token, { occurredAt: minutesAgo(45), locationId: "paris-01", amount: "23.40" });
    expect(claim.status).toBe(201);
    expect(claim.body.claim).toMatchObject({
      status: "already_credited",
      match: {
        outcome: "already_credited",
        entry: {
          id: earned.body.transaction.id,
          points: 23,
          locationId: "paris-01",
          amount: "23.40",
          currency: "EUR",
        },
      },
    });
    expect(claim.body.claim.match.proposal).toBeUndefined();
    const mine = await asCustomer(stack, token, "GET", "/v1/me/claims");
    expect(mine.body.claims.map((c: { id: string }) => c.id)).toEqual([claim.body.claim.id]);
  });

  it("finds a visit already credited at a visit location, without an amount", async () => {
    const { id, token } = await member();
    await earn(stack, { customerId: id, locationId: "lyon-01", type: "visit" });
    const claim = await file(token, { occurredAt: minutesAgo(90), locationId: "lyon-01" });
    expect(claim.body.claim).toMatchObject({
      status: "already_credited",
      match: { entry: { type: "visit" } },
    });
  });

  it("says when the visit was scanned at another location, and proposes what the claimed one gives, less what was credited", async () => {
    const { id, token } = await member();
    await earn(stack, { customerId: id, locationId: "lyon-01", type: "visit" });
    const claim = await file(token, { occurredAt: minutesAgo(20), locationId: "paris-01", amount: "23.40" });
    expect(claim.body.claim).toMatchObject({
      status: "pending",
      match: {
        outcome: "other_location",
        entry: { locationId: "lyon-01", points: 10 },
        proposal: { points: 13, programId: "prog_paris-01" },
      },
    });
  });

  it("says when a purchase was credited there then for another amount, and proposes the difference", async () => {
    const { id, token } = await member();
    await purchase(id, "paris-01", "5.00");
    const claim = await file(token, { occurredAt: minutesAgo(10), locationId: "paris-01", amount: "23.40" });
    expect(claim.body.claim).toMatchObject({
      status: "pending",
      match: { outcome: "amount_differs", entry: { amount: "5.00", points: 5 }, proposal: { points: 18 } },
    });
  });

  it("proposes the points the location's rule gives for the claimed amount when nothing was credited", async () => {
    const { token } = await member();
    const purchaseClaim = await file(token, {
      occurredAt: minutesAgo(60),
      locationId: "paris-01",
      amount: "23.40",
    });
    expect(purchaseClaim.body.claim).toMatchObject({
      status: "pending",
      currency: "EUR",
      match: {
        outcome: "no_match",
        proposal: {
          points: 23,
          explanation: "23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
          programId: "prog_paris-01",
          programVersion: 1,
        },
      },
    });
    const noAmount = await file(token, { occurredAt: minutesAgo(60), locationId: "paris-01" });
    expect(noAmount.body.claim.match).toEqual({ outcome: "no_match" });
    const visit = await file(token, { occurredAt: minutesAgo(60), locationId: "lyon-01" });
    expect(visit.body.claim.match.proposal).toMatchObject({ points: 10 });
  });

  it("ignores entries outside the time window", async () => {
    const { id, token } = await member();
    await purchase(id, "paris-01", "23.40");
    const claim = await file(token, {
      occurredAt: minutesAgo(6 * 60),
      locationId: "paris-01",
      amount: "23.40",
    });
    expect(claim.body.claim.match.outcome).toBe("no_match");
  });
});

describe("filing a claim", () => {
  it("refuses the same receipt number twice (409), whoever claims it, in any spelling", async () => {
    const first = await member();
    const second = await member();
    const body = {
      occurredAt: minutesAgo(30),
      locationId: "paris-01",
      amount: "12.00",
      receiptNumber: "r-0042 7",
    };
    const key = randomUUID();
    const filed = await file(first.token, body, key);
    expect(filed.status).toBe(201);
    // A retry with the same key is the same claim, not a second one.
    const retried = await file(first.token, body, key);
    expect(retried.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    expect(retried.body).toEqual(filed.body);
    const again = await file(first.token, { ...body, receiptNumber: "R-00427" });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, field: "receiptNumber" });
    expect((await file(second.token, body)).status).toBe(409);
    // Another customer reusing the key gets no one else's response.
    expect((await file(second.token, body, key)).status).toBe(422);
    // Receipts are numbered per shop.
    expect((await file(first.token, { ...body, locationId: "lyon-01" })).status).toBe(201);
    const mine = await asCustomer(stack, first.token, "GET", "/v1/me/claims");
    expect(mine.body.claims).toHaveLength(2);
    expect((await asCustomer(stack, second.token, "GET", "/v1/me/claims")).body.claims).toEqual([]);
  });

  it.each([
    ["a time in the future", { occurredAt: new Date(Date.now() + 3600_000).toISOString() }, "occurredAt"],
    ["a time over a year ago", { occurredAt: "2020-01-01T10:00:00Z" }, "occurredAt"],
    ["an unknown location", { locationId: "nowhere" }, "locationId"],
    ["too many decimals", { amount: "12.345" }, "amount"],
    ["an amount that is no number", { amount: "douze" }, "amount"],
    ["another currency", { amount: "12.00", currency: "USD" }, "currency"],
    ["no description", { description: "" }, "description"],
    ["an unknown field", { points: 100 }, "points"],
  ])("refuses %s with a 400 naming the field", async (_name, change, field) => {
    const { token } = await member();
    const response = await file(token, { occurredAt: minutesAgo(30), locationId: "paris-01", ...change });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await asCustomer(stack, token, "GET", "/v1/me/claims")).body.claims).toEqual([]);
  });

  it("needs an Idempotency-Key", async () => {
    const { token } = await member();
    const response = await asCustomer(stack, token, "POST", "/v1/me/claims", {
      occurredAt: minutesAgo(5),
      locationId: "paris-01",
      description: "x",
    });
    expect(response.status).toBe(400);
  });
});

describe("the merchant's review", () => {
  it("lists the pending queue oldest first, and decided claims by status", async () => {
    const { token } = await member();
    const first = await file(token, { occurredAt: minutesAgo(50), locationId: "paris-01", amount: "3.00" });
    const second = await file(token, { occurredAt: minutesAgo(40), locationId: "paris-01", amount: "4.00" });
    const queue = await stack.call("GET", "/v1/claims?status=pending&limit=100", { token: alice });
    expect(queue.status).toBe(200);
    const ids = queue.body.claims.map((c: { id: string }) => c.id);
    expect(ids.indexOf(first.body.claim.id)).toBeLessThan(ids.indexOf(second.body.claim.id));
    const paged = await stack.call("GET", "/v1/claims?limit=1", { token: alice });
    expect(paged.body.claims).toHaveLength(1);
    const next = await stack.call("GET", `/v1/claims?limit=1&cursor=${paged.body.nextCursor}`, {
      token: alice,
    });
    expect(next.body.claims[0].id).not.toBe(paged.body.claims[0].id);
    expect((await stack.call("GET", "/v1/claims?status=lost", { token: alice })).status).toBe(400);
  });

  it("approves with the proposed points: a manual entry linked to the claim, the chain still valid", async () => {
    const { id, token } = await member();
    const claim = (await file(token, { occurredAt: minutesAgo(30), locationId: "paris-01", amount: "23.40" }))
      .body.claim;
    const before = await ledgerOf(id);
    const key = randomUUID();
    const approved = await decide(claim.id, "approve", {}, alice, key);
    expect(approved.status).toBe(201);
    expect(approved.body.transaction).toMatchObject({
      type: "manual",
      points: 23,
      reason: "missed_scan",
      locationId: "paris-01",
      staffId: DEMO.staff.alice.id,
      occurredAt: claim.occurredAt,
      refs: { claimId: claim.id },
    });
    expect(approved.body.claim).toMatchObject({
      status: "approved",
      decision: { points: 23, staffId: DEMO.staff.alice.id, entrySeq: approved.body.transaction.seq },
    });
    const after = await ledgerOf(id);
    expect(after.balance).toBe(before.balance + 23);
    expect(after.verify).toMatchObject({ valid: true, entries: before.verify.entries + 1 });
    // The same request again is a replay; another decision is a conflict and credits nothing.
    const replay = await decide(claim.id, "approve", {}, alice, key);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await decide(claim.id, "approve")).status).toBe(409);
    expect((await decide(claim.id, "reject", { reason: "late" })).status).toBe(409);
    expect((await ledgerOf(id)).balance).toBe(after.balance);
    // The customer sees the decision and the entry, explained in their language.
    const mine = await asCustomer(stack, token, "GET", "/v1/me/claims");
    expect(mine.body.claims[0]).toMatchObject({ id: claim.id, status: "approved", decision: { points: 23 } });
    const history = await asCustomer(stack, token, "GET", "/v1/me/ledger");
    expect(history.body.entries[0].localizedExplanation).toBe("Réclamation acceptée : +23 points");
  });

  it("approves another number of points when the reviewer says so, and needs one when nothing is proposed", async () => {
    const { id, token } = await member("en");
    const claim = (await file(token, { occurredAt: minutesAgo(30), locationId: "paris-01" })).body.claim;
    const missing = await decide(claim.id, "approve");
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe("points");
    const approved = await decide(claim.id, "approve", { points: 15, note: "receipt checked" });
    expect(approved.status).toBe(201);
    expect(approved.body.transaction).toMatchObject({ points: 15, note: "receipt checked" });
    expect((await ledgerOf(id)).verify.valid).toBe(true);
    const history = await asCustomer(stack, token, "GET", "/v1/me/ledger");
    expect(history.body.entries[0].localizedExplanation).toBe("Claim approved: +15 points");
  });

  it("rejects with a reason the customer is told: no entry, a notification waiting in the outbox", async () => {
    const { id, token } = await member();
    const claim = (await file(token, { occurredAt: minutesAgo(30), locationId: "lyon-01" })).body.claim;
    const before = await ledgerOf(id);
    const rejected = await decide(claim.id, "reject", { reason: "No visit that day on our camera log" });
    expect(rejected.status).toBe(200);
    expect(rejected.body.claim).toMatchObject({
      status: "rejected",
      decision: { reason: "No visit that day on our camera log", staffId: DEMO.staff.alice.id },
    });
    expect(await ledgerOf(id)).toEqual(before);
    const { Item } = await stack.db.client.send(
      new GetCommand({
        TableName: stack.db.table,
        Key: { pk: customerPk(DEMO.merchantId, id), sk: notificationSk(`claim_decided#${claim.id}`) },
      }),
    );
    expect(Item).toMatchObject({
      moment: "claim_decided",
      data: { claimId: claim.id, status: "rejected", reason: "No visit that day on our camera log" },
    });
    expect((await decide(claim.id, "approve", { points: 10 })).status).toBe(409);
    expect((await decide(claim.id, "reject", { reason: "again" })).status).toBe(409);
    const mine = await asCustomer(stack, token, "GET", "/v1/me/claims");
    expect(mine.body.claims[0]).toMatchObject({ status: "rejected" });
    expect((await stack.call("GET", "/v1/claims?status=rejected", { token: alice })).body.claims[0].id).toBe(
      claim.id,
    );
  });

  it("decides a claim once when an approval and a rejection race", async () => {
    const { id, token } = await member();
    const claim = (await file(token, { occurredAt: minutesAgo(30), locationId: "lyon-01" })).body.claim;
    const before = await ledgerOf(id);
    const [approve, reject] = await Promise.all([
      decide(claim.id, "approve"),
      decide(claim.id, "reject", { reason: "duplicate" }),
    ]);
    expect([approve.status, reject.status].sort()).toEqual(approve.status === 201 ? [201, 409] : [200, 409]);
    const after = await ledgerOf(id);
    expect(after.balance).toBe(before.balance + (approve.status === 201 ? 10 : 0));
    expect(after.verify.valid).toBe(true);
  });

  it("shows a manager limited to some locations only those locations' claims, and lets them decide only those", async () => {
    const created = await stack.call("POST", "/v1/staff", {
      token: alice,
      body: { name: "Paula Paris", role: "manager", locationIds: ["paris-01"] },
      headers: { "idempotency-key": randomUUID() },
    });
    expect(created.status).toBe(201);
    const paula = await stack.tokenFor(created.body.staff.id);
    const { token } = await member();
    const paris = (await file(token, { occurredAt: minutesAgo(30), locationId: "paris-01", amount: "2.00" }))
      .body.claim;
    const lyon = (await file(token, { occurredAt: minutesAgo(30), locationId: "lyon-01" })).body.claim;
    const seen = await stack.call("GET", "/v1/claims?limit=100", { token: paula });
    const ids = seen.body.claims.map((c: { id: string }) => c.id);
    expect(ids).toContain(paris.id);
    expect(ids).not.toContain(lyon.id);
    expect(seen.body.claims.every((c: { locationId: string }) => c.locationId === "paris-01")).toBe(true);
    expect((await decide(lyon.id, "reject", { reason: "no" }, paula)).status).toBe(403);
    expect((await decide(lyon.id, "approve", {}, paula)).status).toBe(403);
    expect((await decide(paris.id, "approve", {}, paula)).status).toBe(201);
  });

  it("keeps claims from staff without claims:review and from another merchant's staff", async () => {
    const { token } = await member();
    const claim = (await file(token, { occurredAt: minutesAgo(30), locationId: "paris-01", amount: "9.00" }))
      .body.claim;
    const bob = await stack.token("bob");
    expect((await stack.call("GET", "/v1/claims", { token: bob })).status).toBe(403);
    expect((await decide(claim.id, "approve", {}, bob)).status).toBe(403);
    const mallory = await stack.token("mallory");
    const theirs = await stack.call("GET", "/v1/claims?status=pending", { token: mallory });
    expect(theirs.status).toBe(200);
    expect(theirs.body.claims).toEqual([]);
    expect((await decide(claim.id, "approve", { points: 5 }, mallory)).status).toBe(404);
    expect((await decide(claim.id, "reject", { reason: "no" }, mallory)).status).toBe(404);
    const still = await asCustomer(stack, token, "GET", "/v1/me/claims");
    expect(still.body.claims[0]).toMatchObject({ id: claim.id, status: "pending" });
  });
});
