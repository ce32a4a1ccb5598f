import { ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { verifyStatement } from "../../shared/statements/verify.ts";
import { merchantPk } from "../../shared/store/db/partitions.ts";
import { merchantSk } from "../../shared/store/merchants/merchant.ts";
import { programSk } from "../../shared/store/merchants/programs.ts";
import { rewardSk } from "../../shared/store/rewards.ts";
import { asCustomer, enrolCustomer, portalTokenFor } from "../support/portal.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * Issue 13, point 2: every string field refuses lone surrogates, control and bidi characters with a 400
 * naming the field, on POST, PATCH and PUT alike; amounts, points and dates stay within their bounds; and
 * nothing is written by a refused request. Values stored before these rules never make a later read fail.
 */

let stack: TestStack;
let alice: string;
let customerId: string;
let portal: string;
let rewardId: string;
let claimId: string;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await stack.token("alice");
  customerId = await enrolCustomer(stack, { name: "Nina Bounds", email: "nina@example.com" });
  portal = await portalTokenFor(stack, customerId);
  const reward = await stack.call("POST", "/v1/rewards", {
    token: alice,
    body: {
      programId: DEMO.locations["paris-01"].programId,
      name: "Free croissant",
      points: 10,
      discount: { kind: "free_product", product: "Croissant" },
    },
    headers: { "idempotency-key": "reward-1" },
  });
  expect(reward.status).toBe(201);
  rewardId = reward.body.reward.id;
  const claim = await asMember("POST", "/v1/me/claims", {
    occurredAt: new Date(Date.now() - 30 * 60_000).toISOString(),
    locationId: "paris-01",
    amount: "12.00",
    description: "The till was down",
  });
  expect(claim.status, JSON.stringify(claim.body)).toBe(201);
  claimId = claim.body.claim.id;
});
afterAll(() => stack?.close());

/** Every item of the table, so a refused request can be shown to have written nothing at all. */
async function snapshot(): Promise<string[]> {
  const items: string[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.db.client.send(
      new ScanCommand({ TableName: stack.db.table, ConsistentRead: true, ExclusiveStartKey }),
    );
    for (const item of page.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.sort();
}

async function expectRefused(
  call: () => Promise<{ status: number; body: { errors?: { field: string; reason: string }[] } }>,
  field: string,
  reason?: string | RegExp,
) {
  const before = await snapshot();
  const response = await call();
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  const named = response.body.errors?.find((error) => error.field === field);
  expect(named, `no error on ${field}: ${JSON.stringify(response.body.errors)}`).toBeDefined();
  if (reason) expect(named?.reason).toMatch(reason);
  expect(await snapshot()).toEqual(before);
}

const BAD_TEXT = [
  ["a lone surrogate", "Caf\uD800", /lone UTF-16 surrogate \(U\+D800\) at offset \d+/],
  ["a control character", "Caf\u0007", /control character U\+0007 at offset \d+/],
  ["a line break", "Caf\né", /control character U\+000A at offset \d+/],
  ["a C1 control character", "Caf\u0085", /C1 control character U\+0085/],
  ["DEL", "Caf\u007F", /DEL U\+007F/],
  ["a bidi override", "\u202Eevil", /bidirectional control U\+202E at offset \d+/],
  ["a bidi isolate", "ab\u2067c", /bidirectional control U\+2067 at offset \d+/],
] as const;

type Case = [
  route: string,
  method: string,
  path: () => string,
  body: (bad: string) => unknown,
  field: string,
];
const asMember = (method: string, path: string, body?: unknown) =>
  asCustomer(stack, portal, method, path, body, { "idempotency-key": crypto.randomUUID() });
const asStaff = (method: string, path: string, body: unknown) =>
  stack.call(method, path, { token: alice, body, headers: { "idempotency-key": crypto.randomUUID() } });

const BODY_CASES: Case[] = [
  [
    "PATCH /v1/customers/{id}",
    "PATCH",
    () => `/v1/customers/${customerId}`,
    (bad) => ({ name: bad }),
    "name",
  ],
  ["POST /v1/customers", "POST", () => "/v1/customers", (bad) => ({ name: bad }), "name"],
  [
    "POST /v1/customers (phone)",
    "POST",
    () => "/v1/customers",
    (bad) => ({ name: "Ok", phone: bad }),
    "phone",
  ],
  ["POST /v1/rewards", "POST", () => "/v1/rewards", (bad) => rewardBody({ name: bad }), "name"],
  [
    "POST /v1/rewards (free product)",
    "POST",
    () => "/v1/rewards",
    (bad) => rewardBody({ discount: { kind: "free_product", product: bad } }),
    "discount.product",
  ],
  ["PATCH /v1/rewards/{id}", "PATCH", () => `/v1/rewards/${rewardId}`, (bad) => ({ name: bad }), "name"],
  ["PATCH /v1/settings", "PATCH", () => "/v1/settings", (bad) => ({ name: bad }), "name"],
  [
    "PATCH /v1/settings (branding)",
    "PATCH",
    () => "/v1/settings",
    (bad) => ({ branding: { contact: { phone: bad } } }),
    "branding.contact.phone",
  ],
  [
    "PATCH /v1/settings (website)",
    "PATCH",
    () => "/v1/settings",
    (bad) => ({ branding: { contact: { website: `https://cafe.example/${bad}` } } }),
    "branding.contact.website",
  ],
  [
    "POST /v1/staff",
    "POST",
    () => "/v1/staff",
    (bad) => ({ name: bad, role: "staff", locationIds: ["paris-01"] }),
    "name",
  ],
  ["PATCH /v1/staff/{id}", "PATCH", () => `/v1/staff/${DEMO.staff.bob.id}`, (bad) => ({ name: bad }), "name"],
  [
    "POST /v1/locations",
    "POST",
    () => "/v1/locations",
    (bad) => ({ name: bad, programId: DEMO.locations["paris-01"].programId }),
    "name",
  ],
  ["PATCH /v1/locations/{id}", "PATCH", () => "/v1/locations/paris-01", (bad) => ({ name: bad }), "name"],
  ["POST /v1/programs", "POST", () => "/v1/programs", (bad) => programBody(bad), "name"],
  [
    "PUT /v1/programs/{id}",
    "PUT",
    () => `/v1/programs/${DEMO.locations["paris-01"].programId}`,
    (bad) => programBody(bad),
    "name",
  ],
  [
    "POST /v1/customers/{id}/points",
    "POST",
    () => `/v1/customers/${customerId}/points`,
    (bad) => ({ points: 5, reason: "goodwill", note: bad }),
    "note",
  ],
  [
    "POST /v1/claims/{id}/reject",
    "POST",
    () => `/v1/claims/${claimId}/reject`,
    (bad) => ({ reason: bad }),
    "reason",
  ],
  [
    "POST /v1/claims/{id}/approve",
    "POST",
    () => `/v1/claims/${claimId}/approve`,
    (bad) => ({ note: bad }),
    "note",
  ],
  [
    "POST /v1/transactions",
    "POST",
    () => "/v1/transactions",
    (bad) => ({ barcode: bad, locationId: "paris-01", type: "purchase", amount: "5.00", currency: "EUR" }),
    "barcode",
  ],
];

function rewardBody(change: Record<string, unknown>) {
  return {
    programId: DEMO.locations["paris-01"].programId,
    name: "Coffee",
    points: 5,
    discount: { kind: "percentage", percent: 10 },
    ...change,
  };
}

function programBody(name: string) {
  return { name, rule: { kind: "purchase", currency: "EUR", points: 1, per: "1.00" } };
}

describe("text fields refuse lone surrogates, control and bidi characters, naming the field", () => {
  describe.each(BODY_CASES)("%s", (_route, method, path, body, field) => {
    it.each(BAD_TEXT)(`refuses ${field} with %s, and writes nothing`, async (_name, bad, reason) => {
      await expectRefused(() => asStaff(method, path(), body(bad)), field, reason);
    });
  });

  describe.each([
    ["PATCH /v1/me", "PATCH", "/v1/me", (bad: string) => ({ name: bad }), "name"],
    ["PATCH /v1/me (email)", "PATCH", "/v1/me", (bad: string) => ({ email: `${bad}@example.com` }), "email"],
    [
      "POST /v1/me/claims",
      "POST",
      "/v1/me/claims",
      (bad: string) => ({
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        locationId: "paris-01",
        description: bad,
      }),
      "description",
    ],
    [
      "POST /v1/me/claims (receipt)",
      "POST",
      "/v1/me/claims",
      (bad: string) => ({
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        locationId: "paris-01",
        receiptNumber: bad,
        description: "Missing points",
      }),
      "receiptNumber",
    ],
  ] as const)("%s", (_route, method, path, body, field) => {
    it.each(BAD_TEXT)(`refuses ${field} with %s, and writes nothing`, async (_name, bad, reason) => {
      await expectRefused(() => asMember(method, path, body(bad)), field, reason);
    });
  });

  // A query or path cannot carry a lone surrogate (it arrives as UTF-8), the other characters it can.
  it.each([
    ["GET /v1/customers?q=", (bad: string) => `/v1/customers?q=${encodeURIComponent(`Ni${bad}`)}`, "query.q"],
    ["GET /v1/activity?q=", (bad: string) => `/v1/activity?q=${encodeURIComponent(bad)}`, "query.q"],
    [
      "GET /v1/activity?staffId=",
      (bad: string) => `/v1/activity?staffId=${encodeURIComponent(`staff${bad}`)}`,
      "query.staffId",
    ],
    [
      "GET /v1/scan/{barcode}",
      (bad: string) => `/v1/scan/DEMO${encodeURIComponent(bad)}?locationId=paris-01`,
      "path.barcode",
    ],
  ])("refuses %s with control and bidi characters", async (_route, path, field) => {
    for (const bad of ["\u0007", "\u202E", "\u2066", "\u0085"]) {
      await expectRefused(() => stack.call("GET", path(bad), { token: alice }), field);
    }
  });
});

describe("amounts, points and dates stay within their bounds", () => {
  it("a purchase amount the arithmetic cannot hold, or a barcode in the amount field, is refused", async () => {
    for (const amount of ["9007199254740000.00", "4006381333931", "1e6", "-5.00", "5.00001"]) {
      await expectRefused(
        () =>
          asStaff("POST", "/v1/transactions", {
            customerId,
            locationId: "paris-01",
            type: "purchase",
            amount,
            currency: "EUR",
          }),
        "amount",
      );
    }
  });

  it("the maximum purchase is 10000.00 by default and configurable; a claim above it is refused, naming it", async () => {
    const settings = await stack.call("GET", "/v1/settings", { token: alice });
    expect(settings.body.settings.maxPurchaseAmount).toBe("10000.00");
    const claim = (amount: string) => () =>
      asMember("POST", "/v1/me/claims", {
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        locationId: "paris-01",
        amount,
        description: "Big order",
      });
    await expectRefused(
      claim("10000.01"),
      "amount",
      /at most 10000\.00 EUR, this merchant's maximum purchase/,
    );

    for (const bad of ["0", "0.00", "-1", "1e5", "abc", "1000000000000"]) {
      await expectRefused(
        () => stack.call("PATCH", "/v1/settings", { token: alice, body: { maxPurchaseAmount: bad } }),
        "maxPurchaseAmount",
      );
    }
    const changed = await stack.call("PATCH", "/v1/settings", {
      token: alice,
      body: { maxPurchaseAmount: "250.00" },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.settings.maxPurchaseAmount).toBe("250.00");
    expect((await stack.call("GET", "/v1/settings", { token: alice })).body.settings.maxPurchaseAmount).toBe(
      "250.00",
    );
    await expectRefused(claim("250.01"), "amount", /at most 250\.00 EUR/);
    expect((await claim("250.00")()).status).toBe(201);
    // Back to the default for the other tests.
    await stack.call("PATCH", "/v1/settings", { token: alice, body: { maxPurchaseAmount: "10000.00" } });
  });

  it("a claim cannot be for a time before the merchant existed, nor before 2000", async () => {
    const merchantSince = (
      await stack.db.client.send(new ScanCommand({ TableName: stack.db.table, ConsistentRead: true }))
    ).Items?.find((item) => item.pk === merchantPk(DEMO.merchantId) && item.sk === merchantSk())
      ?.createdAt as string;
    await expectRefused(
      () =>
        asMember("POST", "/v1/me/claims", {
          occurredAt: new Date(Date.parse(merchantSince) - 60_000).toISOString(),
          locationId: "paris-01",
          description: "Before the shop opened",
        }),
      "occurredAt",
      /cannot be before the merchant joined/,
    );
    await expectRefused(
      () =>
        asMember("POST", "/v1/me/claims", {
          occurredAt: "1999-12-31T10:00:00Z",
          locationId: "paris-01",
          description: "Long ago",
        }),
      "occurredAt",
      /between 2000-01-01 and 2100-01-01/,
    );
  });

  // These two hold once shared/transactions/earn.ts and manual.ts call shared/bounds.ts (the lead's files).
  it("a purchase above the merchant's maximum is refused at the till, naming the limit", async () => {
    await expectRefused(
      () =>
        asStaff("POST", "/v1/transactions", {
          customerId,
          locationId: "paris-01",
          type: "purchase",
          amount: "10000.01",
          currency: "EUR",
        }),
      "amount",
      /at most 10000\.00 EUR, this merchant's maximum purchase/,
    );
    await expectRefused(
      () =>
        asStaff("POST", "/v1/transactions", {
          customerId,
          locationId: "paris-01",
          type: "purchase",
          amount: "999999999999",
          currency: "EUR",
        }),
      "amount",
      /at most 10000\.00 EUR/,
    );
  });

  it("manual points cannot be back-dated to before the merchant existed", async () => {
    await expectRefused(
      () =>
        asStaff("POST", `/v1/customers/${customerId}/points`, {
          points: 5,
          reason: "missed_scan",
          occurredAt: "2001-01-01T00:00:00Z",
        }),
      "occurredAt",
      /cannot be before the merchant joined/,
    );
  });

  it("manual points are bounded, and so is their date", async () => {
    const points = (body: Record<string, unknown>) => () =>
      asStaff("POST", `/v1/customers/${customerId}/points`, { reason: "goodwill", ...body });
    await expectRefused(points({ points: 1_000_001 }), "points", "must be at most 1000000");
    await expectRefused(points({ points: -1_000_001 }), "points", "must be at least -1000000");
    await expectRefused(points({ points: 9_007_199_254_740_000 }), "points");
    await expectRefused(points({ points: 5, occurredAt: "2100-01-01T00:00:00Z" }), "occurredAt");
    await expectRefused(points({ points: 5, occurredAt: "0001-01-01T00:00:00Z" }), "occurredAt");
  });

  it("reward costs are bounded, and a fixed amount off is in the program's currency and at most the maximum purchase", async () => {
    const create = (change: Record<string, unknown>) => () =>
      asStaff("POST", "/v1/rewards", rewardBody(change));
    await expectRefused(create({ points: 10_000_001 }), "points", "must be at most 10000000");
    await expectRefused(create({ points: 0 }), "points");
    await expectRefused(
      create({ discount: { kind: "fixed_amount", amount: "5.00", currency: "USD" } }),
      "discount.currency",
      "must be EUR, the currency of the reward's program",
    );
    await expectRefused(
      create({ discount: { kind: "fixed_amount", amount: "10000.01", currency: "EUR" } }),
      "discount.amount",
      /at most 10000\.00 EUR/,
    );
    // A visit program's amounts are in the merchant's currency.
    await expectRefused(
      create({
        programId: DEMO.locations["lyon-01"].programId,
        discount: { kind: "fixed_amount", amount: "5.00", currency: "GBP" },
      }),
      "discount.currency",
      "must be EUR, the currency of the reward's program",
    );
    await expectRefused(
      () =>
        asStaff("PATCH", `/v1/rewards/${rewardId}`, {
          discount: { kind: "fixed_amount", amount: "5.00", currency: "CHF" },
        }),
      "discount.currency",
    );
    const fine = await create({ discount: { kind: "fixed_amount", amount: "5", currency: "EUR" } })();
    expect(fine.status).toBe(201);
    expect(fine.body.reward.discount).toEqual({ kind: "fixed_amount", amount: "5.00", currency: "EUR" });
  });
});

describe("values stored before these rules never make a read fail", () => {
  const LONE = "Caf\uD800";

  async function store(sk: string, name: string) {
    await stack.db.client.send(
      new UpdateCommand({
        TableName: stack.db.table,
        Key: { pk: merchantPk(DEMO.merchantId), sk },
        UpdateExpression: "SET #name = :name",
        ExpressionAttributeNames: { "#name": "name" },
        ExpressionAttributeValues: { ":name": name },
      }),
    );
  }

  it("DynamoDB Local keeps a lone surrogate as sent (or these tests would prove nothing)", async () => {
    await store(merchantSk(), LONE);
    const settings = await stack.call("GET", "/v1/settings", { token: alice });
    expect(settings.status).toBe(200);
    expect(settings.body.settings.name).toBe(LONE);
  });

  it("a statement is signed with U+FFFD in its place, and verifies", async () => {
    await store(merchantSk(), LONE);
    await asStaff("POST", `/v1/customers/${customerId}/points`, { points: 20, reason: "goodwill" });
    const response = await asMember("GET", "/v1/me/statement");
    expect(response.status).toBe(200);
    expect(response.body.statement.merchant.name).toBe("Caf\uFFFD");
    const jwks = await stack.call("GET", `/v1/merchants/${DEMO.merchantId}/jwks.json`);
    const verdict = await verifyStatement(response.body, jwks.body);
    expect(verdict).toMatchObject({ valid: true, chain: { valid: true } });
  });

  it("a reward whose stored name is not well-formed can still be redeemed", async () => {
    await store(rewardSk(rewardId), LONE);
    const balance = (await stack.call("GET", `/v1/customers/${customerId}`, { token: alice })).body.customer
      .balance;
    if (balance < 10) {
      await asStaff("POST", `/v1/customers/${customerId}/points`, { points: 10, reason: "goodwill" });
    }
    const redeemed = await asStaff("POST", "/v1/redemptions", {
      customerId,
      rewardId,
      locationId: "paris-01",
    });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
    expect(redeemed.body.entry.explanation).toContain("Caf\uFFFD");
    const verified = await stack.call("GET", `/v1/customers/${customerId}/ledger/verify`, { token: alice });
    expect(verified.body).toMatchObject({ valid: true });
  });

  it("a program whose stored name is not well-formed can still be saved", async () => {
    const programId = DEMO.locations["paris-01"].programId;
    await store(programSk(programId), LONE);
    const saved = await stack.call("PUT", `/v1/programs/${programId}`, {
      token: alice,
      body: programBody("Paris, renamed"),
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.program.name).toBe("Paris, renamed");
  });
});
