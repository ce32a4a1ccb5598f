import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { systemClock } from "../../shared/clock.ts";
import { tableKeyBackend } from "../../shared/keys/table-key-backend.ts";
import { issueUnsubscribeToken } from "../../shared/portal/unsubscribe-token.ts";
import { readEml } from "../support/mail.ts";
import { portalTokenFor } from "../support/portal.ts";
import { OTHER_MERCHANT, startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * One-click unsubscribe (RFC 8058) through the whole local stack: a Moment e-mail in the local SES sink
 * carries the headers; POSTing its URL withdraws consent (audited, idempotent, no login); GET changes
 * nothing; a forged token, one of another merchant or made for another use is refused alike.
 */

let stack: TestStack;
let alice: string;
let member: { id: string; email: string };
let unsubscribePath: string;

beforeAll(async () => {
  stack = await startTestStack({ wallet: true, notifications: true, pollIntervalMs: 50 });
  alice = await stack.token("alice");
  const email = `u-${randomUUID().slice(0, 8)}@example.com`;
  const enrolled = await write("/v1/customers", {
    name: "Camille Désabonne",
    email,
    locale: "fr",
    marketingConsent: true,
  });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  member = { id: enrolled.body.customer.id, email };
  const earned = await write("/v1/transactions", {
    customerId: member.id,
    locationId: "paris-01",
    type: "purchase",
    amount: "12.00",
    currency: "EUR",
  });
  expect(earned.status, JSON.stringify(earned.body)).toBe(201);
});
afterAll(() => stack?.close());

const write = (path: string, body: unknown) =>
  stack.call("POST", path, { token: alice, body, headers: { "idempotency-key": randomUUID() } });

const oneClick = (path: string) =>
  stack.call("POST", path, {
    body: "List-Unsubscribe=One-Click",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });

const customer = async () =>
  (await stack.call("GET", `/v1/customers/${member.id}`, { token: alice })).body.customer;
const audit = async () =>
  (await stack.call("GET", `/v1/customers/${member.id}/audit`, { token: alice })).body.changes as {
    staffId: string;
    fields: string[];
  }[];

describe("a Moment e-mail", () => {
  it("lands in the mail sink with List-Unsubscribe (a one-click URL of the API) and List-Unsubscribe-Post", async () => {
    const sink = stack.notifications?.mail;
    if (!sink) throw new Error("no mail sink");
    const mail = await sink.waitFor((m) => m.to.includes(member.email), 5_000);
    expect(mail.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const eml = await readEml(mail.file);
    expect(eml.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const match = /^<([^>]+)>$/.exec(eml.headers["list-unsubscribe"] ?? "");
    expect(match, eml.headers["list-unsubscribe"]).not.toBeNull();
    const url = new URL(match?.[1] ?? "");
    expect(url.origin).toBe(new URL(stack.baseUrl).origin);
    expect(url.pathname).toMatch(/^\/v1\/unsubscribe\/[\w-]+\.[\w-]+\.[\w-]+$/);
    // Never a bare id: the customer's id is not in the URL in clear.
    expect(url.pathname).not.toContain(member.id);
    // The same link, visible in the body (French member).
    expect(eml.text).toContain(`Ne plus recevoir ces e-mails : ${url.href}`);
    unsubscribePath = url.pathname;
  });
});

describe("the unsubscribe URL", () => {
  it("GET shows a page with a button and changes nothing", async () => {
    const page = await stack.call("GET", unsubscribePath);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.body).toContain('<form method="post">');
    expect(page.body).toContain("Se désinscrire");
    expect((await customer()).marketingConsent).toBe(true);
    expect((await audit()).filter((a) => a.fields.includes("marketingConsent"))).toEqual([]);
  });

  it("POST withdraws consent at once, audited as the customer; a second POST answers the same and writes nothing", async () => {
    const first = await oneClick(unsubscribePath);
    expect(first.status).toBe(200);
    expect(first.body).toContain("vous ne recevrez plus d'e-mails");
    expect((await customer()).marketingConsent).toBe(false);
    const changes = await audit();
    expect(changes[0]).toMatchObject({ staffId: "customer", fields: ["marketingConsent"] });

    const second = await oneClick(unsubscribePath);
    expect(second.status).toBe(200);
    expect(second.body).toBe(first.body);
    expect(await audit()).toEqual(changes);
    // The page now says it is done, with no button.
    const page = await stack.call("GET", unsubscribePath);
    expect(page.body).not.toContain("<form");
  });

  it("refuses a forged token, another merchant's and a portal token alike, naming nobody", async () => {
    const token = unsubscribePath.split("/").pop() ?? "";
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: "cus_someone_else" })).toString("base64url")}.${signature}`;
    const otherMerchants = await issueUnsubscribeToken(
      { db: stack.db, clock: systemClock, backend: tableKeyBackend(stack.db, systemClock) },
      { merchantId: OTHER_MERCHANT.merchantId, customerId: member.id },
    );
    const portal = await portalTokenFor(stack, member.id);
    const refusals = [];
    for (const bad of [forged, otherMerchants, portal, "not-a-token"]) {
      for (const method of ["GET", "POST"]) {
        const answer =
          method === "GET"
            ? await stack.call("GET", `/v1/unsubscribe/${bad}`)
            : await oneClick(`/v1/unsubscribe/${bad}`);
        expect(answer.status, `${method} ${bad}`).toBe(401);
        expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json/);
        const text = JSON.stringify(answer.body);
        for (const secret of [member.id, DEMO.merchantId, "Café", OTHER_MERCHANT.merchantId]) {
          expect(text).not.toContain(secret);
        }
        refusals.push(answer.body.detail);
      }
    }
    expect(new Set(refusals).size).toBe(1);
  });
});
