import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../infra/local/seed.ts";
import { createMerchant } from "../../shared/merchants/setup.ts";
import { readEml } from "../support/mail.ts";
import { asCustomer, portalLinkFor, tokenOf } from "../support/portal.ts";
import { OTHER_MERCHANT, startTestStack, type TestStack } from "../support/test-stack.ts";

/**
 * Issue 15: customers join by themselves (POST /v1/join/{merchantId}), and an address that already has a
 * card never gets a second membership nor sees that card: it is sent to the address.
 */

const camille = DEMO.customers.camille;
let stack: TestStack;
let alice: string;
let smsDir: string;

beforeAll(async () => {
  smsDir = await mkdtemp(join(tmpdir(), "sms-join-"));
  process.env.SMS_SINK_DIR = smsDir;
  stack = await startTestStack({ notifications: true });
  alice = await stack.token("alice");
  await createMerchant(stack.db, {
    id: "pending-shop",
    name: "Not Open Yet",
    country: "FR",
    currency: "EUR",
    status: "pending",
    createdAt: new Date().toISOString(),
  });
});
afterAll(async () => {
  await stack?.close();
  delete process.env.SMS_SINK_DIR;
  if (smsDir) await rm(smsDir, { recursive: true, force: true });
});

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

const joinAs = (merchantId: string, body: Record<string, unknown>, key: string = randomUUID()) =>
  stack.call("POST", `/v1/join/${merchantId}`, {
    body: { locale: "en", consents: { transactional: false, marketing: false }, ...body },
    headers: { "idempotency-key": key },
  });

const searchDemo = async (q: string) =>
  (await stack.call("GET", `/v1/customers?q=${encodeURIComponent(q)}`, { token: alice })).body.customers.map(
    (c: { id: string }) => c.id,
  ) as string[];

/** Card messages (not the Welcome Moment) sent to an address so far. */
const cardMails = (address: string) =>
  (stack.notifications?.mail.mails ?? []).filter(
    (m) => m.to.includes(address) && m.tags.purpose === "card_request",
  );

async function textsTo(number: string): Promise<string[]> {
  const files = (await readdir(smsDir).catch(() => [] as string[])).sort();
  const texts = await Promise.all(files.map((f) => readFile(join(smsDir, f), "utf8")));
  return texts.filter((t) => t.startsWith(`To: ${number}\n`));
}

/** Whose membership a portal link opens. */
async function portalMember(portalUrl: string) {
  const me = await asCustomer(stack, tokenOf(portalUrl), "GET", "/v1/me");
  expect(me.status).toBe(200);
  return { customerId: me.body.customer.id as string, merchantId: me.body.merchant.id as string };
}

describe("a new customer joins", () => {
  it("gets the card at once, with where they joined and both consents recorded", async () => {
    const email = unique("new");
    const response = await joinAs(DEMO.merchantId, {
      name: "Nora Newcomer",
      email,
      locale: "fr",
      consents: { transactional: true, marketing: false },
      locationId: "paris-01",
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { customer, pass, portalUrl } = response.body;
    expect(customer).toMatchObject({
      name: "Nora Newcomer",
      email,
      locale: "fr",
      marketingConsent: false,
      transactionalConsent: true,
      joinedLocationId: "paris-01",
      balance: 0,
    });
    expect(pass).toEqual({ appleWalletUrl: null, googleWalletUrl: null });
    expect(await portalMember(portalUrl)).toEqual({ customerId: customer.id, merchantId: DEMO.merchantId });
    const staffView = await stack.call("GET", `/v1/customers/${customer.id}`, { token: alice });
    expect(staffView.body.customer.joinedLocationId).toBe("paris-01");
    expect(await searchDemo(email)).toEqual([customer.id]);
  });

  it("records no location when the link's is not one of the merchant's", async () => {
    const response = await joinAs(DEMO.merchantId, {
      name: "Lou Lost",
      phone: "07 11 22 33 44",
      locationId: "nowhere",
    });
    expect(response.status).toBe(201);
    expect(response.body.customer).toMatchObject({ phone: "+33711223344", joinedLocationId: null });
  });

  it("replays the same submission: one membership, the card again", async () => {
    const email = unique("retry");
    const key = randomUUID();
    const first = await joinAs(DEMO.merchantId, { name: "Rita Retry", email }, key);
    const again = await joinAs(DEMO.merchantId, { name: "Rita Retry", email }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.customer.id).toBe(first.body.customer.id);
    expect((await portalMember(again.body.portalUrl)).customerId).toBe(first.body.customer.id);
    expect(await searchDemo(email)).toEqual([first.body.customer.id]);
  });

  it("refuses a body without a contact, a bad phone number, or no Idempotency-Key, and writes nothing", async () => {
    const noContact = await joinAs(DEMO.merchantId, { name: "Zed Nocontact" });
    expect(noContact.status).toBe(400);
    expect(noContact.body.errors).toEqual([{ field: "email", reason: expect.stringMatching(/phone/) }]);
    const badPhone = await joinAs(DEMO.merchantId, { name: "Zed Badphone", phone: "12" });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.errors[0].field).toBe("phone");
    const noConsents = await stack.call("POST", `/v1/join/${DEMO.merchantId}`, {
      body: { name: "Zed Noconsents", email: unique("consents"), locale: "en" },
      headers: { "idempotency-key": randomUUID() },
    });
    expect(noConsents.status).toBe(400);
    expect(noConsents.body.errors[0].field).toBe("consents");
    const noKey = await stack.call("POST", `/v1/join/${DEMO.merchantId}`, {
      body: {
        name: "Zed Nokey",
        email: unique("nokey"),
        locale: "en",
        consents: { transactional: false, marketing: false },
      },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors[0].field).toBe("header.Idempotency-Key");
    expect(await searchDemo("Zed")).toEqual([]);
  });
});

describe("joining with an address that already has a card", () => {
  it("by e-mail: no second membership, nothing of the member in the answer, the card e-mailed in their language", async () => {
    const key = randomUUID();
    const response = await joinAs(
      DEMO.merchantId,
      { name: "Mallory Takeover", email: " Camille@Example.COM ", locale: "en" },
      key,
    );
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: "sent", detail: expect.stringMatching(/sent to that address/) });
    const answer = JSON.stringify(response.body);
    for (const secret of [camille.id, camille.name, "Camille", camille.phone]) {
      expect(answer).not.toContain(secret);
    }
    expect(await searchDemo(camille.email)).toEqual([camille.id]);
    expect(await searchDemo("Mallory")).toEqual([]);

    const mail = await stack.notifications?.mail.waitFor(
      (m) => m.to.includes(camille.email) && m.tags.purpose === "card_request",
      5_000,
    );
    const eml = await readEml(mail?.file ?? "");
    // Camille's language, not the one typed; the shop's name, never the member's.
    expect(eml.subject).toBe("Votre carte de fidélité Café Démo");
    expect(eml.text).not.toContain("Camille Martin");
    const portalUrl = /(http\S+\/portal#t=\S+)/.exec(eml.text)?.[1] ?? "";
    expect(await portalMember(portalUrl)).toEqual({ customerId: camille.id, merchantId: DEMO.merchantId });
    expect(eml.text).toContain(`${stack.baseUrl}/join/${DEMO.merchantId}/card`);

    // The page retries a timed-out submission with its key: the same answer, and nothing sent again.
    const retry = await joinAs(
      DEMO.merchantId,
      { name: "Mallory Takeover", email: " Camille@Example.COM ", locale: "en" },
      key,
    );
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cardMails(camille.email)).toHaveLength(1);
  });

  it("by phone: the card goes by text message to the member's number", async () => {
    const response = await joinAs(DEMO.merchantId, { name: "Phil Phone", phone: "06 12 34 56 78" });
    expect(response.status).toBe(202);
    expect(JSON.stringify(response.body)).not.toContain(camille.id);
    expect(await searchDemo(camille.phone)).toEqual([camille.id]);
    const [text] = await textsTo(camille.phone);
    expect(text).toMatch(/^To: \+33612345678\n\nCafé Démo : votre carte de fidélité/);
    const portalUrl = /(http\S+\/portal#t=\S+)/.exec(text ?? "")?.[1] ?? "";
    expect((await portalMember(portalUrl)).customerId).toBe(camille.id);
  });

  it("a new e-mail with a held phone makes no membership for the e-mail either", async () => {
    const email = unique("mixed");
    const response = await joinAs(DEMO.merchantId, { name: "Max Mixed", email, phone: "+33 6 12 34 56 78" });
    expect(response.status).toBe(202);
    expect(await searchDemo(email)).toEqual([]);
    expect(await searchDemo("Max")).toEqual([]);
  });
});

describe("merchants customers cannot join", () => {
  it("answers an unknown and a pending merchant with the same 404, pages included", async () => {
    const unknown = await joinAs("no-such-shop", { name: "Una Known", email: unique("unknown") });
    const pending = await joinAs("pending-shop", { name: "Una Known", email: unique("pending") });
    expect(unknown.status).toBe(404);
    expect(pending.status).toBe(404);
    expect(pending.body.detail).toBe(unknown.body.detail);
    const card = await stack.call("POST", "/v1/join/pending-shop/card", { body: { email: unique("c") } });
    expect(card.status).toBe(404);

    const page = (merchantId: string) =>
      stack.call("GET", `/join/${merchantId}?lang=en`, { headers: { accept: "text/html" } });
    const [unknownPage, pendingPage] = await Promise.all([page("no-such-shop"), page("pending-shop")]);
    expect(unknownPage.status).toBe(404);
    expect(pendingPage.status).toBe(404);
    expect(pendingPage.body).toBe(unknownPage.body);
    expect(pendingPage.body).not.toContain("Not Open Yet");
    expect(pendingPage.headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("another merchant's join", () => {
  it("makes a member of that merchant and reveals nothing of this merchant's member with the same e-mail", async () => {
    const response = await joinAs(OTHER_MERCHANT.merchantId, {
      name: "Camille Ailleurs",
      email: camille.email,
    });
    expect(response.status).toBe(201);
    const { customer, portalUrl } = response.body;
    expect(customer.id).not.toBe(camille.id);
    expect(customer).toMatchObject({ name: "Camille Ailleurs", balance: 0, phone: null });
    expect(JSON.stringify(response.body)).not.toContain(camille.id);
    expect(await portalMember(portalUrl)).toEqual({
      customerId: customer.id,
      merchantId: OTHER_MERCHANT.merchantId,
    });
    // The demo merchant's member is untouched, and none of the other merchant's card mail reaches them as demo's.
    expect(await searchDemo(camille.email)).toEqual([camille.id]);

    const before = cardMails(camille.email).length;
    const card = await stack.call("POST", `/v1/join/${OTHER_MERCHANT.merchantId}/card`, {
      body: { email: camille.email },
    });
    expect(card.status).toBe(202);
    await stack.notifications?.mail.waitFor(() => cardMails(camille.email).length > before, 5_000);
    const eml = await readEml(cardMails(camille.email).at(-1)?.file ?? "");
    // That member joined in English.
    expect(eml.subject).toBe("Your loyalty card at Other");
    const link = /(http\S+\/portal#t=\S+)/.exec(eml.text)?.[1] ?? "";
    expect(await portalMember(link)).toEqual({
      customerId: customer.id,
      merchantId: OTHER_MERCHANT.merchantId,
    });
  });
});

describe("find my card", () => {
  it("answers the same for a known and an unknown address, sends only to the known, and old links keep working", async () => {
    const oldLink = await portalLinkFor(stack, camille.id);
    const before = cardMails(camille.email).length;
    const started = Date.now();
    const known = await stack.call("POST", `/v1/join/${DEMO.merchantId}/card`, {
      body: { email: camille.email },
    });
    const knownMs = Date.now() - started;
    const unknownAddress = unique("nobody");
    const unknownStarted = Date.now();
    const unknown = await stack.call("POST", `/v1/join/${DEMO.merchantId}/card`, {
      body: { email: unknownAddress },
    });
    const unknownMs = Date.now() - unknownStarted;
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect(known.headers.get("cache-control")).toBe("no-store");
    // Neither answer comes before the floor, so looking the address up and mailing it does not show.
    expect(knownMs).toBeGreaterThanOrEqual(800);
    expect(unknownMs).toBeGreaterThanOrEqual(800);

    await stack.notifications?.mail.waitFor(() => cardMails(camille.email).length > before, 5_000);
    const eml = await readEml(cardMails(camille.email).at(-1)?.file ?? "");
    const fresh = /(http\S+\/portal#t=\S+)/.exec(eml.text)?.[1] ?? "";
    expect((await portalMember(fresh)).customerId).toBe(camille.id);
    expect((await portalMember(oldLink)).customerId).toBe(camille.id);
    expect(cardMails(unknownAddress)).toEqual([]);
  });

  it("takes exactly one of e-mail and phone", async () => {
    const both = await stack.call("POST", `/v1/join/${DEMO.merchantId}/card`, {
      body: { email: camille.email, phone: camille.phone },
    });
    expect(both.status).toBe(400);
    const neither = await stack.call("POST", `/v1/join/${DEMO.merchantId}/card`, { body: {} });
    expect(neither.status).toBe(400);
  });
});
