import { randomUUID } from "node:crypto";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { customerPk } from "../../shared/store/db/partitions.ts";
import { entrySk } from "../../shared/store/ledger/entries.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

const camille = DEMO.customers.camille;
let stack: TestStack;
let alice: string;
let bob: string;
let mallory: string;

beforeAll(async () => {
  stack = await startTestStack();
  ({ alice, bob, mallory } = await stack.tokens());
});
afterAll(() => stack?.close());

const purchase = (amount: string, extra: Record<string, unknown> = {}) => ({
  barcode: camille.barcode,
  locationId: "paris-01",
  type: "purchase",
  amount,
  currency: "EUR",
  ...extra,
});

/** `key: null` sends no Idempotency-Key at all. */
const earn = (body: unknown, key: string | null = randomUUID(), token = alice) =>
  stack.call("POST", "/v1/transactions", {
    token,
    body,
    headers: key === null ? {} : { "idempotency-key": key },
  });

async function balanceAndEntries(customerId: string = camille.id) {
  const customer = await stack.call("GET", `/v1/customers/${customerId}`, { token: alice });
  const ledger = await stack.call("GET", `/v1/customers/${customerId}/ledger?limit=100`, { token: alice });
  return { balance: customer.body.customer.balance as number, entries: ledger.body.entries.length as number };
}

describe("scanner earn flow", () => {
  it("scans a pass and shows the customer with the location's program", async () => {
    const scan = await stack.call("GET", `/v1/scan/${camille.barcode}?locationId=paris-01`, { token: bob });
    expect(scan.status).toBe(200);
    expect(scan.body).toMatchObject({
      customer: { id: camille.id, name: "Camille Martin" },
      balance: expect.any(Number),
      location: { id: "paris-01" },
      program: { id: "prog_paris-01", version: 1, rule: { kind: "purchase", per: "1.00" } },
    });
    const unknown = await stack.call("GET", "/v1/scan/NOSUCHBARCODE?locationId=paris-01", { token: bob });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
  });

  it("issues purchase points with exact arithmetic and an explanation", async () => {
    const before = await balanceAndEntries();
    const response = await earn(purchase("23.40"));
    expect(response.status).toBe(201);
    expect(response.body.transaction).toMatchObject({
      customerId: camille.id,
      type: "purchase",
      points: 23,
      balanceAfter: before.balance + 23,
      locationId: "paris-01",
      staffId: DEMO.staff.alice.id,
      programId: "prog_paris-01",
      explanation: "23.40 EUR × 1 point per 1.00 EUR = 23.4, rounded down → 23 points",
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect((await earn(purchase("19.99"))).body.transaction.points).toBe(19);
  });

  it("issues visit points, and refuses a second visit inside the program's interval", async () => {
    const visit = { customerId: camille.id, locationId: "lyon-01", type: "visit" };
    const first = await earn(visit);
    expect(first.status).toBe(201);
    expect(first.body.transaction).toMatchObject({ type: "visit", points: 10, programId: "prog_lyon-01" });
    const before = await balanceAndEntries();
    const second = await earn(visit);
    expect(second.status).toBe(409);
    expect(second.body.nextVisitAllowedAt).toBeDefined();
    expect(await balanceAndEntries()).toEqual(before);
  });

  it("replays the same Idempotency-Key and body without issuing points again", async () => {
    const key = randomUUID();
    const first = await earn(purchase("10.00"), key);
    const before = await balanceAndEntries();
    const again = await earn(purchase("10.00"), key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await balanceAndEntries()).toEqual(before);
  });

  it("refuses the same key with another body (422) and a missing key (400), writing nothing", async () => {
    const key = randomUUID();
    await earn(purchase("10.00"), key);
    const before = await balanceAndEntries();
    const other = await earn(purchase("11.00"), key);
    expect(other.status).toBe(422);
    expect(other.headers.get("content-type")).toBe("application/problem+json");
    const missing = await earn(purchase("11.00"), null);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      { field: "header.Idempotency-Key", reason: "is required on this request" },
    ]);
    expect(await balanceAndEntries()).toEqual(before);
  });

  it.each([
    ["zero", purchase("0"), "amount"],
    ["negative", purchase("-5.00"), "amount"],
    ["not a number", purchase("twelve"), "amount"],
    ["a JSON number", purchase(12.5 as unknown as string), "amount"],
    ["too many decimals", purchase("1.005"), "amount"],
    ["another currency", purchase("5.00", { currency: "USD" }), "currency"],
    [
      "a visit at a purchase program",
      { barcode: camille.barcode, locationId: "paris-01", type: "visit" },
      "type",
    ],
    ["an unknown type", purchase("5.00", { type: "gift" }), "type"],
    ["no customer", { locationId: "paris-01", type: "purchase", amount: "5.00", currency: "EUR" }, "barcode"],
    ["both barcode and customerId", purchase("5.00", { customerId: camille.id }), "barcode"],
    ["an unknown field", purchase("5.00", { ammount: "5.00" }), "ammount"],
    ["an unknown location", purchase("5.00", { locationId: "nowhere" }), "locationId"],
    [
      "a missing amount",
      { barcode: camille.barcode, locationId: "paris-01", type: "purchase", currency: "EUR" },
      "amount",
    ],
  ])("answers %s with a 400 problem naming the field, writing nothing", async (_name, body, field) => {
    const before = await balanceAndEntries();
    const response = await earn(body);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.body).toMatchObject({
      type: expect.stringContaining("validation"),
      title: expect.any(String),
      status: 400,
    });
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts|stack/);
    expect(await balanceAndEntries()).toEqual(before);
  });

  it("answers malformed JSON with a 400 problem", async () => {
    const response = await earn("{not json");
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: "body", reason: "is not valid JSON" }]);
  });

  it("refuses staff at a location they may not use (403), writing nothing", async () => {
    const before = await balanceAndEntries();
    const response = await earn(
      { barcode: camille.barcode, locationId: "lyon-01", type: "visit" },
      randomUUID(),
      bob,
    );
    expect(response.status).toBe(403);
    const scan = await stack.call("GET", `/v1/scan/${camille.barcode}?locationId=lyon-01`, { token: bob });
    expect(scan.status).toBe(403);
    expect(await balanceAndEntries()).toEqual(before);
  });

  it("refuses missing, malformed and forged tokens (401)", async () => {
    const forged = `${alice.slice(0, -4)}AAAA`;
    for (const token of [undefined, "not-a-jwt", forged]) {
      const response = await stack.call("GET", `/v1/customers/${camille.id}`, token ? { token } : {});
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  it("refuses a deactivated staff member at once", async () => {
    const token = await stack.tokenFor("staff_temp");
    expect((await stack.call("GET", `/v1/customers/${camille.id}`, { token })).status).toBe(401);
  });
});

describe("another merchant", () => {
  it("can neither read nor write this merchant's customer, and learns nothing (404, not 403)", async () => {
    const before = await balanceAndEntries();
    for (const path of [
      `/v1/customers/${camille.id}`,
      `/v1/customers/${camille.id}/ledger`,
      `/v1/customers/${camille.id}/ledger/verify`,
    ]) {
      const response = await stack.call("GET", path, { token: mallory });
      expect(response.status, path).toBe(404);
    }
    expect(
      (await stack.call("GET", `/v1/scan/${camille.barcode}?locationId=paris-01`, { token: mallory })).status,
    ).not.toBe(200);
    const write = await earn(
      purchase("50.00", { barcode: undefined, customerId: camille.id }),
      randomUUID(),
      mallory,
    );
    expect([400, 404]).toContain(write.status);
    expect(await balanceAndEntries()).toEqual(before);
  });
});

describe("ledger", () => {
  it("pages newest first without repeats or gaps, each entry explained", async () => {
    const all = await stack.call("GET", `/v1/customers/${camille.id}/ledger?limit=100`, { token: alice });
    const seqs: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { entries: { seq: number; explanation: string }[]; nextCursor: string | null } } =
        await stack.call(
          "GET",
          `/v1/customers/${camille.id}/ledger?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
          { token: alice },
        );
      for (const entry of page.body.entries) {
        expect(entry.explanation).toBeTruthy();
        seqs.push(entry.seq);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seqs).toEqual(all.body.entries.map((e: { seq: number }) => e.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it.each(["limit=0", "limit=1000", "limit=abc", "cursor=garbage", "cursor=eyJiZWZvcmUiOi0xfQ", "sort=asc"])(
    "refuses %s with a 400 problem",
    async (query) => {
      const response = await stack.call("GET", `/v1/customers/${camille.id}/ledger?${query}`, {
        token: alice,
      });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].field).toMatch(/^query\./);
    },
  );

  it("verifies the chain, and reports an entry altered directly in the table", async () => {
    const verdict = await stack.call("GET", `/v1/customers/${camille.id}/ledger/verify`, { token: alice });
    expect(verdict.body).toMatchObject({
      valid: true,
      entries: expect.any(Number),
      head: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const ledger = await stack.call("GET", `/v1/customers/${camille.id}/ledger?limit=100`, { token: alice });
    const victim = ledger.body.entries.at(-2);
    await stack.db.client.send(
      new UpdateCommand({
        TableName: stack.db.table,
        Key: { pk: customerPk(DEMO.merchantId, camille.id), sk: entrySk(victim.seq) },
        UpdateExpression: "SET explanation = :x",
        ExpressionAttributeValues: { ":x": "1000 points, trust me" },
      }),
    );
    const tampered = await stack.call("GET", `/v1/customers/${camille.id}/ledger/verify`, { token: alice });
    expect(tampered.body).toMatchObject({ valid: false, firstInvalidEntryId: victim.id });
  });
});
