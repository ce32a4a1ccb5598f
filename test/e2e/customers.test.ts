import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
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

const enrol = (body: unknown, key = randomUUID(), token = alice) =>
  stack.call("POST", "/v1/customers", { token, body, headers: { "idempotency-key": key } });
const search = (q: string, token = alice) =>
  stack.call("GET", `/v1/customers?q=${encodeURIComponent(q)}`, { token });
const idsOf = (response: { body: { customers: { id: string }[] } }) =>
  response.body.customers.map((c) => c.id);

describe("enrolment", () => {
  it("enrols with normalised contact details, and replays the same key", async () => {
    const key = randomUUID();
    const body = {
      name: "Élodie Dupont",
      phone: "07 11 22 33 44",
      email: "Elodie.Dupont@Example.COM",
      locale: "fr",
    };
    const first = await enrol(body, key);
    expect(first.status).toBe(201);
    expect(first.body.customer).toMatchObject({
      name: "Élodie Dupont",
      phone: "+33711223344",
      email: "elodie.dupont@example.com",
      balance: 0,
      barcode: expect.stringMatching(/^[A-Z2-9]{20}$/),
    });
    expect(first.body.customer).not.toHaveProperty("passToken");
    const again = await enrol(body, key);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(idsOf(await search("elodie"))).toEqual([first.body.customer.id]);
  });

  it("refuses a phone or email another customer has (409), in any formatting", async () => {
    const phone = await enrol({ name: "Copy Cat", phone: "+33 6 12 34 56 78" });
    expect(phone.status).toBe(409);
    expect(phone.body.field).toBe("phone");
    const email = await enrol({ name: "Copy Cat", email: "CAMILLE@example.com" });
    expect(email.status).toBe(409);
    expect(email.body.field).toBe("email");
    expect(idsOf(await search("copy"))).toEqual([]);
  });

  it.each([
    [{ name: "X", phone: "12" }, "phone"],
    [{ name: "X", email: "not-an-email" }, "email"],
    [{ name: "" }, "name"],
    [{ name: "X", locale: "de" }, "locale"],
    [{ name: "X", nickname: "x" }, "nickname"],
  ])("refuses %j with a 400 naming %s", async (body, field) => {
    const response = await enrol(body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it("needs an Idempotency-Key and the customers:write permission", async () => {
    const noKey = await stack.call("POST", "/v1/customers", { token: alice, body: { name: "No Key" } });
    expect(noKey.status).toBe(400);
    expect((await enrol({ name: "By Bob" }, randomUUID(), bob)).status).toBe(403);
  });
});

describe("search", () => {
  it.each(["06 12 34 56 78", "+33 6 12 34 56 78", "0612345678", "+33612345678", "06.12.34.56.78"])(
    "finds Camille by phone %s",
    async (q) => {
      expect(idsOf(await search(q))).toEqual([camille.id]);
    },
  );

  it.each(["camille@example.com", "CAMILLE@Example.com", " camille@example.com "])(
    "finds Camille by email %j",
    async (q) => {
      expect(idsOf(await search(q))).toEqual([camille.id]);
    },
  );

  it.each(["camille", "MARTIN", "mart", "Camille Martin", "martin cam"])(
    "finds Camille by name %j",
    async (q) => {
      expect(idsOf(await search(q))).toContain(camille.id);
    },
  );

  it("matches accented names without accents and the other way round", async () => {
    const { body } = await enrol({ name: "Hélène Bérard" });
    for (const q of ["helene", "HÉLÈNE", "berard", "Bérard"])
      expect(idsOf(await search(q)), q).toEqual([body.customer.id]);
  });

  it("finds nothing for unknown values, and nothing of another merchant", async () => {
    expect(idsOf(await search("zzzunknown"))).toEqual([]);
    expect(idsOf(await search("07 99 99 99 99"))).toEqual([]);
    expect(idsOf(await search("camille", mallory))).toEqual([]);
    expect(idsOf(await search("06 12 34 56 78", mallory))).toEqual([]);
  });

  it("refuses an empty or missing q", async () => {
    expect((await stack.call("GET", "/v1/customers?q=", { token: alice })).status).toBe(400);
    expect((await stack.call("GET", "/v1/customers", { token: alice })).status).toBe(400);
  });
});

describe("updating details", () => {
  it("updates contact details, keeps the indexes in step, and audits who changed which fields", async () => {
    const { body } = await enrol({ name: "Paul Dupont", phone: "07 22 33 44 55", email: "paul@example.com" });
    const id = body.customer.id as string;
    const patch = await stack.call("PATCH", `/v1/customers/${id}`, {
      token: alice,
      body: { name: "Paul Durand", email: "Paul.Durand@example.com", phone: null },
    });
    expect(patch.status).toBe(200);
    expect(patch.body.customer).toMatchObject({
      name: "Paul Durand",
      email: "paul.durand@example.com",
      phone: null,
    });
    expect(patch.body.changed.sort()).toEqual(["email", "name", "phone"]);
    expect(idsOf(await search("durand"))).toEqual([id]);
    expect(idsOf(await search("dupont"))).not.toContain(id);
    expect(idsOf(await search("paul@example.com"))).toEqual([]);
    expect(idsOf(await search("paul.durand@example.com"))).toEqual([id]);
    // The released phone number can be used by someone else now.
    expect((await enrol({ name: "New Owner", phone: "07 22 33 44 55" })).status).toBe(201);

    const same = await stack.call("PATCH", `/v1/customers/${id}`, {
      token: alice,
      body: { name: "Paul Durand" },
    });
    expect(same.body.changed).toEqual([]);
    const audit = await stack.call("GET", `/v1/customers/${id}/audit`, { token: alice });
    expect(audit.body.changes).toHaveLength(1);
    expect(audit.body.changes[0]).toMatchObject({
      staffId: DEMO.staff.alice.id,
      fields: expect.arrayContaining(["email", "name", "phone"]),
    });
    expect(JSON.stringify(audit.body)).not.toContain("durand@");
  });

  it("refuses a phone that belongs to another customer (409) and changes nothing", async () => {
    const { body } = await enrol({ name: "Zoé Petit" });
    const response = await stack.call("PATCH", `/v1/customers/${body.customer.id}`, {
      token: alice,
      body: { phone: "06 12 34 56 78", name: "Zoé Grand" },
    });
    expect(response.status).toBe(409);
    const after = await stack.call("GET", `/v1/customers/${body.customer.id}`, { token: alice });
    expect(after.body.customer).toMatchObject({ name: "Zoé Petit", phone: null });
  });

  it("refuses bad input, and another merchant's customer is a 404", async () => {
    expect(
      (await stack.call("PATCH", `/v1/customers/${camille.id}`, { token: alice, body: {} })).status,
    ).toBe(400);
    expect(
      (await stack.call("PATCH", `/v1/customers/${camille.id}`, { token: alice, body: { balance: 9 } }))
        .status,
    ).toBe(400);
    expect(
      (await stack.call("PATCH", `/v1/customers/${camille.id}`, { token: mallory, body: { name: "Pwned" } }))
        .status,
    ).toBe(404);
    expect((await stack.call("GET", `/v1/customers/${camille.id}/audit`, { token: mallory })).status).toBe(
      404,
    );
  });
});
